using System.Text.RegularExpressions;
using SecretRotation.Cli.Rotate;
using SecretRotation.Testing;

namespace SecretRotation.Cli.Tests;

/// <summary><c>rotate</c> against the Key Vault emulator: a new version with a new value, never printed.</summary>
public sealed class RotateKeyVaultTests : IAsyncLifetime
{
    private const string OldValue = "the-old-password-value";
    private KeyVaultEmulator _vault = null!;
    private string _oldVersion = null!;

    public async Task InitializeAsync()
    {
        _vault = await KeyVaultEmulator.StartAsync();
        _oldVersion = _vault.SetSecret("Db--Password", OldValue);
    }

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task AGeneratedValueBecomesTheNewVersionAndIsNeverPrinted()
    {
        var result = await Harness().RunAsync(["rotate", "--vault-uri", _vault.VaultUri.ToString(), "--name", "Db--Password"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var latest = (await _vault.CreateClient().GetSecretAsync("Db--Password")).Value;
        Assert.NotEqual(_oldVersion, latest.Properties.Version);
        Assert.NotEqual(OldValue, latest.Value);
        Assert.Equal(SecretGenerator.DefaultLength, latest.Value.Length);
        Assert.Matches("^[A-Za-z0-9]+$", latest.Value);
        Assert.Contains("Db--Password", result.Out, StringComparison.Ordinal);
        Assert.Contains($"version      {latest.Properties.Version}", result.Out, StringComparison.Ordinal);
        Assert.Contains($"fingerprint  {Fingerprint.Of(latest.Value)}", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(latest.Value, result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(latest.Value, result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Error);
    }

    [Theory]
    [InlineData("hex", 64, "^[0-9a-f]{64}$")]
    [InlineData("base64url", 43, "^[A-Za-z0-9_-]{43}$")]
    [InlineData("alnum-symbols", 20, "^[A-Za-z0-9!#%*+\\-.:=?@^_~]{20}$")]
    [InlineData("alnum", 8, "^[A-Za-z0-9]{8}$")]
    public async Task LengthAndAlphabetAreRespected(string alphabet, int length, string pattern)
    {
        var result = await Harness().RunAsync(
            ["rotate", "--vault-uri", _vault.VaultUri.ToString(), "--name", "Db--Password", "--length", $"{length}", "--alphabet", alphabet]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var value = (await _vault.CreateClient().GetSecretAsync("Db--Password")).Value.Value;
        Assert.Matches(new Regex(pattern), value);
        Assert.DoesNotContain(value, result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StdinGivesTheValueWithoutItsTrailingNewline()
    {
        const string value = "s3cret-from-a-pipe";
        var harness = new CliHarness { Stdin = value + "\n", SecretClient = _ => _vault.CreateClient() };

        var result = await harness.RunAsync(["rotate", "--vault-uri", _vault.VaultUri.ToString(), "--name", "Db--Password", "--stdin"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(value, (await _vault.CreateClient().GetSecretAsync("Db--Password")).Value.Value);
        Assert.Contains(Fingerprint.Of(value), result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(value, result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANewSecretIsCreated()
    {
        var result = await Harness().RunAsync(["rotate", "--vault-uri", _vault.VaultUri.ToString(), "--name", "Api--Key"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(SecretGenerator.DefaultLength, (await _vault.CreateClient().GetSecretAsync("Api--Key")).Value.Value.Length);
    }

    [Fact]
    public async Task AMissingSetPermissionIsNamed()
    {
        _vault.DenyPermission(KeyVaultSecretAccess.Set);

        var result = await Harness().RunAsync(["rotate", "--vault-uri", _vault.VaultUri.ToString(), "--name", "Db--Password"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("denied set secret 'Db--Password' (HTTP 403", result.Error, StringComparison.Ordinal);
        Assert.Contains("'Set' secret permission", result.Error, StringComparison.Ordinal);
        Assert.Equal(OldValue, (await _vault.CreateClient().GetSecretAsync("Db--Password")).Value.Value);
    }

    private CliHarness Harness() => new() { SecretClient = _ => _vault.CreateClient() };
}
