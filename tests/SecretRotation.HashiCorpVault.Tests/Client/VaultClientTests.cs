using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.HashiCorpVault.Tests.Client;

/// <summary>The public <see cref="VaultClient"/> against the Vault emulator: KV v1/v2, check-and-set, metadata, listing, the token.</summary>
public sealed class VaultClientTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
    private VaultEmulator _vault = null!;

    public async Task InitializeAsync() => _vault = await VaultEmulator.StartAsync(new VaultEmulatorOptions { TimeProvider = _time });

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task AWriteWithCheckAndSetZeroCreatesVersionOneAndReadsBack()
    {
        using var client = CreateClient(VaultAuthMethod.Token(_vault.RootToken));

        var version = await client.WriteKv2Async("secret", "app/db", Fields(("password", "p-1"), ("user", "app")), checkAndSet: 0);
        var read = await client.ReadKv2Async("secret", "app/db");

        Assert.Equal(1, version);
        Assert.NotNull(read);
        Assert.Equal(1, read.Version);
        Assert.False(read.IsDeleted);
        Assert.Equal("p-1", read.Data["password"].GetString());
        Assert.Equal("app", read.Data["user"].GetString());
    }

    [Fact]
    public async Task ACheckAndSetOnAStaleVersionIsAConflictAndWritesNothing()
    {
        using var client = CreateClient(VaultAuthMethod.Token(_vault.RootToken));
        await client.WriteKv2Async("secret", "app/db", Fields(("password", "p-1")), checkAndSet: 0);
        await client.WriteKv2Async("secret", "app/db", Fields(("password", "p-2")), checkAndSet: 1);

        var error = await Assert.ThrowsAsync<VaultApiException>(
            () => client.WriteKv2Async("secret", "app/db", Fields(("password", "p-stale")), checkAndSet: 1));

        Assert.True(error.IsCheckAndSetConflict);
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.DoesNotContain("p-stale", error.Message, StringComparison.Ordinal);
        Assert.Equal("p-2", _vault.ReadKv("secret/app/db")!.Value.GetProperty("password").GetString());
    }

    [Fact]
    public async Task AWriteWithoutCheckAndSetAddsAVersion()
    {
        using var client = CreateClient(VaultAuthMethod.Token(_vault.RootToken));
        _vault.WriteKv("secret/app/db", new Dictionary<string, object?> { ["password"] = "p-1" });

        var version = await client.WriteKv2Async("secret", "app/db", Fields(("password", "p-2")), checkAndSet: null);

        Assert.Equal(2, version);
    }

    [Fact]
    public async Task CustomMetadataIsReplacedAndReadBackWithTheCurrentVersion()
    {
        using var client = CreateClient(VaultAuthMethod.Token(_vault.RootToken));
        await client.WriteKv2Async("secret", "app/db", Fields(("password", "p-1")), checkAndSet: 0);
        await client.WriteKv2CustomMetadataAsync("secret", "app/db", new Dictionary<string, string> { ["owner"] = "team-a", ["source"] = "kv" });
        await client.WriteKv2CustomMetadataAsync("secret", "app/db", new Dictionary<string, string> { ["owner"] = "team-b" });

        var metadata = await client.ReadKv2MetadataAsync("secret", "app/db");

        Assert.NotNull(metadata);
        Assert.Equal(1, metadata.CurrentVersion);
        Assert.False(metadata.IsCurrentVersionDeleted);
        Assert.Equal(new Dictionary<string, string> { ["owner"] = "team-b" }, metadata.CustomMetadata);
    }

    [Fact]
    public async Task DeletingTheLatestVersionShowsInItsMetadataAndItsRead()
    {
        using var client = CreateClient(VaultAuthMethod.Token(_vault.RootToken));
        await client.WriteKv2Async("secret", "app/db", Fields(("password", "p-1")), checkAndSet: 0);

        await client.DeleteKv2LatestAsync("secret", "app/db");
        var metadata = await client.ReadKv2MetadataAsync("secret", "app/db");
        var read = await client.ReadKv2Async("secret", "app/db");

        Assert.True(metadata!.IsCurrentVersionDeleted);
        Assert.NotNull(read);
        Assert.True(read.IsDeleted);
        Assert.Equal(1, read.Version);
        Assert.Empty(read.Data);
    }

    [Fact]
    public async Task AMissingSecretReadsAsNullAndAMissingFolderListsEmpty()
    {
        using var client = CreateClient(VaultAuthMethod.Token(_vault.RootToken));

        Assert.Null(await client.ReadKv2Async("secret", "nothing/here"));
        Assert.Null(await client.ReadKv2MetadataAsync("secret", "nothing/here"));
        Assert.Empty(await client.ListKv2Async("secret", "nothing/"));
    }

    [Fact]
    public async Task ListReturnsTheSecretsAndFoldersDirectlyUnderAFolder()
    {
        using var client = CreateClient(VaultAuthMethod.Token(_vault.RootToken));
        _vault.WriteKv("secret/app/db", new Dictionary<string, object?> { ["password"] = "p" });
        _vault.WriteKv("secret/app/api", new Dictionary<string, object?> { ["key"] = "k" });
        _vault.WriteKv("secret/app/team/cache", new Dictionary<string, object?> { ["key"] = "k" });

        var keys = await client.ListKv2Async("secret", "app");

        Assert.Equal(["api", "db", "team/"], keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AKvVersionOneSecretReadsItsFields()
    {
        _vault.MountKv("kv", 1);
        _vault.WriteKv("kv/app/db", new Dictionary<string, object?> { ["password"] = "p-1" });
        using var client = CreateClient(VaultAuthMethod.Token(_vault.RootToken));

        var read = await client.ReadKv1Async("kv/app/db");

        Assert.NotNull(read);
        Assert.Equal(0, read.Version);
        Assert.Equal("p-1", read.Data["password"].GetString());
        Assert.Null(await client.ReadKv1Async("kv/app/missing"));
    }

    [Fact]
    public async Task TheMountOfAPathIsFound()
    {
        using var client = CreateClient(VaultAuthMethod.Token(_vault.RootToken));

        var mount = await client.GetMountAsync("secret/app/db");

        Assert.Equal("secret/", mount.Path);
        Assert.True(mount.IsKvV2);
    }

    [Fact]
    public async Task LookupSelfAndRenewSelfDescribeTheTokenWithoutShowingIt()
    {
        var token = _vault.CreateToken(TimeSpan.FromHours(1), renewable: true, maxTtl: TimeSpan.FromHours(24), policies: ["app"]);
        using var client = CreateClient(VaultAuthMethod.Token(token));

        var looked = await client.LookupSelfAsync();
        _time.Advance(TimeSpan.FromMinutes(10));
        var renewed = await client.RenewSelfAsync(TimeSpan.FromHours(2));

        Assert.Equal(TimeSpan.FromHours(1), looked.Ttl);
        Assert.True(looked.Renewable);
        Assert.Contains("app", looked.Policies);
        Assert.False(string.IsNullOrEmpty(looked.Accessor));
        Assert.Equal(TimeSpan.FromHours(2), renewed.Ttl);
        Assert.True(renewed.Renewable);
        Assert.DoesNotContain(token, looked.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(token, renewed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATokenFileIsReadAndUsed()
    {
        using var directory = new TemporaryDirectory();
        var file = Path.Combine(directory.Path, "token");
        await File.WriteAllTextAsync(file, _vault.CreateToken(TimeSpan.FromHours(1), policies: ["app"]) + "\n", CancellationToken.None);
        _vault.SetPolicy("app", "secret/data/app/*");
        _vault.WriteKv("secret/app/db", new Dictionary<string, object?> { ["password"] = "p-1" });
        using var client = CreateClient(VaultAuthMethod.TokenFile(file));

        var read = await client.ReadKv2Async("secret", "app/db");

        Assert.Equal("p-1", read!.Data["password"].GetString());
    }

    [Fact]
    public async Task KubernetesAuthLogsInOnceWithTheServiceAccountToken()
    {
        using var directory = new TemporaryDirectory();
        var jwt = Path.Combine(directory.Path, "token");
        await File.WriteAllTextAsync(jwt, "pod-jwt", CancellationToken.None);
        _vault.SetPolicy("app", "secret/data/app/*");
        _vault.AddKubernetesRole("app", "pod-jwt", TimeSpan.FromHours(1), TimeSpan.FromHours(24), ["app"]);
        _vault.WriteKv("secret/app/db", new Dictionary<string, object?> { ["password"] = "p-1" });
        using var client = CreateClient(VaultAuthMethod.Kubernetes("app", jwtPath: jwt));

        var first = await client.ReadKv2Async("secret", "app/db");
        var second = await client.ReadKv2Async("secret", "app/db");

        Assert.Equal("p-1", first!.Data["password"].GetString());
        Assert.Equal("p-1", second!.Data["password"].GetString());
        Assert.Equal(1, _vault.CountRequests("POST", "auth/kubernetes/login"));
    }

    [Fact]
    public async Task AppRoleLogsInWithASecretIdOrASecretIdFile()
    {
        using var directory = new TemporaryDirectory();
        var secretIdFile = Path.Combine(directory.Path, "secret-id");
        await File.WriteAllTextAsync(secretIdFile, "s-1\n", CancellationToken.None);
        _vault.SetPolicy("app", "secret/data/app/*");
        _vault.AddAppRole("app", "role-1", "s-1", TimeSpan.FromHours(1), TimeSpan.FromHours(24), ["app"], mountPath: "ci");
        _vault.WriteKv("secret/app/db", new Dictionary<string, object?> { ["password"] = "p-1" });
        using var withString = CreateClient(VaultAuthMethod.AppRole("role-1", secretId: "s-1", mountPath: "ci"));
        using var withFile = CreateClient(VaultAuthMethod.AppRole("role-1", secretIdFile: secretIdFile, mountPath: "ci"));

        Assert.Equal("p-1", (await withString.ReadKv2Async("secret", "app/db"))!.Data["password"].GetString());
        Assert.Equal("p-1", (await withFile.ReadKv2Async("secret", "app/db"))!.Data["password"].GetString());
        Assert.Equal(2, _vault.CountRequests("POST", "auth/ci/login"));
    }

    [Fact]
    public async Task ADeniedPathThrowsWithoutANewLoginAndARevokedTokenIsReplacedOnce()
    {
        using var directory = new TemporaryDirectory();
        var jwt = Path.Combine(directory.Path, "token");
        await File.WriteAllTextAsync(jwt, "pod-jwt", CancellationToken.None);
        _vault.SetPolicy("app", "secret/data/app/*");
        _vault.AddKubernetesRole("app", "pod-jwt", TimeSpan.FromHours(1), TimeSpan.FromHours(24), ["app"]);
        _vault.WriteKv("secret/app/db", new Dictionary<string, object?> { ["password"] = "p-1" });
        _vault.WriteKv("secret/other/db", new Dictionary<string, object?> { ["password"] = "o-1" });
        using var client = CreateClient(VaultAuthMethod.Kubernetes("app", jwtPath: jwt));
        await client.ReadKv2Async("secret", "app/db");

        var denied = await Assert.ThrowsAsync<VaultApiException>(() => client.ReadKv2Async("secret", "other/db"));
        Assert.True(denied.IsPermissionDenied);
        Assert.Equal(1, _vault.CountRequests("POST", "auth/kubernetes/login"));

        var accessor = _vault.Requests.Last(r => r.Path.StartsWith("secret/", StringComparison.Ordinal)).TokenAccessor;
        Assert.True(_vault.RevokeTokenByAccessor(accessor));
        var read = await client.ReadKv2Async("secret", "app/db");

        Assert.Equal("p-1", read!.Data["password"].GetString());
        Assert.Equal(2, _vault.CountRequests("POST", "auth/kubernetes/login"));
    }

    [Fact]
    public async Task ASecretsToStringNamesItsFieldsButNotTheirValues()
    {
        using var client = CreateClient(VaultAuthMethod.Token(_vault.RootToken));
        await client.WriteKv2Async("secret", "app/db", Fields(("password", "hunter2-value")), checkAndSet: 0);

        var text = (await client.ReadKv2Async("secret", "app/db"))!.ToString();

        Assert.Contains("password", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-value", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheClientNeedsAnAddressAndAnAuthMethodAndABoundedResponseCap()
    {
        Assert.Throws<ArgumentException>(() => new VaultClient(new VaultClientOptions { Authentication = VaultAuthMethod.Token("t") }));
        Assert.Throws<ArgumentException>(() => new VaultClient(new VaultClientOptions { Address = new Uri("https://vault.example:8200") }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VaultClient(new VaultClientOptions
        {
            Address = new Uri("https://vault.example:8200"),
            Authentication = VaultAuthMethod.Token("t"),
            MaxResponseBytes = 0,
        }));
        Assert.Throws<ArgumentException>(() => VaultAuthMethod.AppRole("role", secretId: "s", secretIdFile: "/f"));
    }

    private static Dictionary<string, JsonElement> Fields(params (string Name, string Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => JsonSerializer.SerializeToElement(f.Value), StringComparer.Ordinal);

    private VaultClient CreateClient(VaultAuthMethod auth) => new(new VaultClientOptions
    {
        Address = _vault.Address,
        Authentication = auth,
        HttpMessageHandler = new SocketsHttpHandler(),
        TimeProvider = _time,
    });
}
