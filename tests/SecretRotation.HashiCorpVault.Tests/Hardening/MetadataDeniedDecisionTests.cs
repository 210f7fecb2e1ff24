using SecretRotation.Testing;

namespace SecretRotation.HashiCorpVault.Tests.Hardening;

/// <summary>
/// "The policy denies metadata" may be concluded only from a 403 to a token known to be valid; a dead token's 403 says
/// nothing about the policy, and after a new login the metadata is tried again.
/// </summary>
public sealed class MetadataDeniedDecisionTests
{
    private static readonly Dictionary<string, object?> DbV1 = new() { ["username"] = "app", ["password"] = "vault-pass-1" };

    [Fact]
    public async Task AfterTheTokenDiesPollsStillReadOnlyTheMetadata()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", DbV1);
        harness.Emulator.SetPolicy("myapp", "secret/data/myapp/*", "secret/metadata/myapp/*");
        harness.Emulator.AddKubernetesRole("myapp", "jwt", TimeSpan.FromHours(1), TimeSpan.FromHours(24), ["myapp"]);
        var jwt = harness.WriteFile("token", "jwt");
        harness.Build(o => o.UseKubernetesAuth("myapp", jwtPath: jwt).Map("secret/myapp/db", "Db"));
        var accessor = harness.Emulator.Requests.Last(r => r.Path.StartsWith("secret/", StringComparison.Ordinal)).TokenAccessor;

        Assert.True(harness.Emulator.RevokeTokenByAccessor(accessor));
        harness.Emulator.ClearRequests();
        for (var i = 0; i < 4; i++)
        {
            await harness.AdvanceAsync(VaultHarness.Poll);
        }

        Assert.Equal(1, harness.Count("POST", "auth/kubernetes/login"));
        Assert.Equal(0, harness.Count("GET", "secret/data/myapp/db"));
        Assert.Equal(5, harness.Count("GET", "secret/metadata/myapp/db"));
        Assert.DoesNotContain(harness.Logs.Entries, e => e.EventId.Id == 208);
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
        Assert.Equal("vault-pass-1", harness.Configuration["Db:password"]);
    }

    [Fact]
    public async Task MetadataDeniedToAValidTokenIsTriedAgainAfterTheNextLogin()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/myapp/db", DbV1);
        harness.Emulator.SetPolicy("myapp", "secret/data/myapp/*");
        harness.Emulator.AddKubernetesRole("myapp", "jwt", TimeSpan.FromHours(1), TimeSpan.FromHours(24), ["myapp"]);
        var jwt = harness.WriteFile("token", "jwt");
        harness.Build(o => o.UseKubernetesAuth("myapp", jwtPath: jwt).Map("secret/myapp/db", "Db"));

        await harness.AdvanceAsync(VaultHarness.Poll);
        Assert.Single(harness.Logs.Entries, e => e.EventId.Id == 208);
        Assert.Equal(1, harness.Count("POST", "auth/kubernetes/login"));

        harness.Emulator.SetPolicy("myapp", "secret/data/myapp/*", "secret/metadata/myapp/*");
        var accessor = harness.Emulator.Requests.Last(r => r.Path.StartsWith("secret/", StringComparison.Ordinal)).TokenAccessor;
        Assert.True(harness.Emulator.RevokeTokenByAccessor(accessor));
        await harness.AdvanceAsync(VaultHarness.Poll);
        Assert.Equal(2, harness.Count("POST", "auth/kubernetes/login"));
        harness.Emulator.ClearRequests();
        for (var i = 0; i < 3; i++)
        {
            await harness.AdvanceAsync(VaultHarness.Poll);
        }

        Assert.Equal(3, harness.Count("GET", "secret/metadata/myapp/db"));
        Assert.Equal(0, harness.Count("GET", "secret/data/myapp/db"));
        Assert.Equal(0, harness.Refresher.Status.ConsecutiveFailures);
    }

    [Theory]
    [InlineData(VaultSecretKind.KvV2)]
    [InlineData(VaultSecretKind.Auto)]
    public async Task APermissionDeniedAtStartUpNamesTheApiPathAndTheCapabilityNeeded(VaultSecretKind kind)
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/otherapp/db", DbV1);
        harness.Emulator.SetPolicy("myapp", "secret/data/myapp/*");
        var token = harness.Emulator.CreateToken(TimeSpan.FromHours(1), policies: ["myapp"]);

        var exception = Assert.Throws<SecretSourceException>(() =>
            harness.Build(o => o.UseToken(token).Map("secret/otherapp/db", "Db", kind)));

        Assert.Contains("403 to GET secret/data/otherapp/db", exception.Message, StringComparison.Ordinal);
        Assert.Contains("must grant \"read\" on \"secret/data/otherapp/db\"", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token, exception.ToString(), StringComparison.Ordinal);
    }
}
