using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Cli.Tests;

/// <summary><c>mirror --once</c> against the Key Vault emulator and the Vault emulator, on one fake clock.</summary>
public sealed class MirrorTests : IAsyncLifetime
{
    private static readonly string[] Values = ["first-secret-value", "second-secret-value", "third-secret-value"];

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private KeyVaultEmulator _keyVault = null!;
    private VaultEmulator _vault = null!;

    public async Task InitializeAsync()
    {
        _keyVault = await KeyVaultEmulator.StartAsync(new KeyVaultEmulatorOptions { TimeProvider = _time });
        _vault = await VaultEmulator.StartAsync(new VaultEmulatorOptions { TimeProvider = _time });
        _keyVault.SetSecret("db-password", Values[0]);
        _keyVault.SetSecret("api-key", Values[1]);
        _keyVault.SetSecret("cache-token", Values[2]);

        // Past Key Vault's one-second 'updated' resolution, so the pass records it (as a Job running later would).
        _time.Advance(TimeSpan.FromSeconds(3));
    }

    public async Task DisposeAsync()
    {
        await _vault.DisposeAsync();
        await _keyVault.DisposeAsync();
    }

    [Fact]
    public async Task ThreeSecretsAreMirroredAndASecondRunWritesNothing()
    {
        var first = await Harness().RunAsync(Arguments());

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(Values[0], Mirrored("db-password"));
        Assert.Equal(Values[1], Mirrored("api-key"));
        Assert.Equal(Values[2], Mirrored("cache-token"));
        Assert.Contains($"Mirrored {_keyVault.VaultUri} to secret/mirror/ at {_vault.Address}", first.Out, StringComparison.Ordinal);
        Assert.Matches(@"mirrored +3 +(?=.*db-password)(?=.*api-key)(?=.*cache-token)", first.Out);
        Assert.Matches(@"skipped +0\r?\n", first.Out);
        Assert.Matches(@"failed +0\r?\n", first.Out);
        Assert.Equal(3, _vault.CountRequests("POST", "secret/data/mirror"));
        AssertNoValue(first);

        _vault.ClearRequests();
        _keyVault.ClearRequests();
        var second = await Harness().RunAsync(Arguments());

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Matches(@"mirrored +0\r?\n", second.Out);
        Assert.Matches(@"skipped +3 +(?=.*db-password)(?=.*api-key)(?=.*cache-token)", second.Out);
        Assert.Equal(0, _vault.CountRequests("POST", "secret/data/mirror"));
        Assert.Equal(0, _vault.CountRequests("POST", "secret/metadata/mirror"));
        Assert.Equal(0, _keyVault.CountRequests(KeyVaultOperation.GetSecret));
        Assert.Equal(string.Empty, second.Error);
        AssertNoValue(second);
    }

    [Fact]
    public async Task ScopeMountAndPrefixFollowTheOptions()
    {
        _vault.MountKv("kv", 2);
        using var directory = new TemporaryDirectory();
        var tokenFile = directory.Combine("token");
        await File.WriteAllTextAsync(tokenFile, _vault.RootToken + "\n");
        var harness = Harness();
        harness.Environment.Remove("VAULT_TOKEN");
        harness.Environment.Remove("VAULT_ADDR");

        var result = await harness.RunAsync(
        [
            "mirror", "--once", "--key-vault-uri", _keyVault.VaultUri.ToString(), "--vault-address", _vault.Address.ToString(), "--token-file", tokenFile,
            "--vault-mount", "kv", "--vault-path-prefix", "from-azure", "--value-field", "secret", "--secret-names", "db-password,api-key",
        ]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Values[0], _vault.ReadKv("kv/from-azure/db-password")?.GetProperty("secret").GetString());
        Assert.Equal(Values[1], _vault.ReadKv("kv/from-azure/api-key")?.GetProperty("secret").GetString());
        Assert.Null(_vault.ReadKv("kv/from-azure/cache-token"));
        Assert.Contains("to kv/from-azure/ at", result.Out, StringComparison.Ordinal);
        AssertNoValue(result);
    }

    [Fact]
    public async Task ASealedVaultExitsOne()
    {
        _vault.Sealed = true;

        var result = await Harness().RunAsync(Arguments());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches(@"failed +3 +(?=.*db-password)(?=.*api-key)(?=.*cache-token)", result.Out);
        Assert.Contains("sealed", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("error: the mirror pass failed", result.Error, StringComparison.Ordinal);
        AssertNoValue(result);
        _vault.Sealed = false;
        Assert.Null(_vault.ReadKv("secret/mirror/db-password"));
    }

    [Fact]
    public async Task AKeyVaultThatCannotBeListedExitsOne()
    {
        _keyVault.DenyPermission(KeyVaultSecretAccess.List);

        var result = await Harness().RunAsync(Arguments());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("listing Key Vault or Vault failed", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, _vault.CountRequests("POST", "secret/data/mirror"));
    }

    [Fact]
    public async Task DeletePolicyDeleteSoftDeletesADisabledSecret()
    {
        Assert.Equal(0, (await Harness().RunAsync(Arguments())).ExitCode);
        _keyVault.UpdateSecret("api-key", version: null, enabled: false);
        _time.Advance(TimeSpan.FromSeconds(3));

        var result = await Harness().RunAsync([.. Arguments(), "--delete-policy", "Delete"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"removed +1 +api-key", result.Out);
        Assert.Null(Mirrored("api-key"));
        Assert.Equal(Values[0], Mirrored("db-password"));
    }

    private string[] Arguments() => ["mirror", "--once", "--key-vault-uri", _keyVault.VaultUri.ToString()];

    private CliHarness Harness() => new()
    {
        Environment = { ["VAULT_ADDR"] = _vault.Address.ToString(), ["VAULT_TOKEN"] = _vault.RootToken },
        TimeProvider = _time,
        SecretClient = _ => _keyVault.CreateClient(new SecretClientOptions { Retry = { MaxRetries = 0 } }),
        VaultHandler = _vault.CreateTrustingHandler,
    };

    private string? Mirrored(string name) =>
        _vault.ReadKv($"secret/mirror/{name}") is { } data && data.TryGetProperty("value", out var value) ? value.GetString() : null;

    private static void AssertNoValue(CliResult result)
    {
        foreach (var value in Values)
        {
            Assert.DoesNotContain(value, result.Out + result.Error, StringComparison.Ordinal);
        }
    }
}
