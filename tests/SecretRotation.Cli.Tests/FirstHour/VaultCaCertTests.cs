using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Cli.Tests.FirstHour;

/// <summary>
/// <c>VAULT_CACERT</c> / <c>VAULT_CAPATH</c> (and their flags) against the Vault emulator over HTTPS, with the tool's own handler
/// (no test handler): the emulator's start-up certificate, exported to PEM, is the only trust anchor.
/// </summary>
public sealed class VaultCaCertTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _directory = new();
    private VaultEmulator _vault = null!;
    private string _caFile = null!;

    public async Task InitializeAsync()
    {
        _vault = await VaultEmulator.StartAsync(new VaultEmulatorOptions { UseHttps = true });
        _vault.WriteKv("secret/myapp/db", new Dictionary<string, object?> { ["password"] = "old-password" });
        Directory.CreateDirectory(_directory.Combine("capath"));
        _caFile = _directory.Combine("capath", "vault-ca.pem");
        File.WriteAllText(_caFile, _vault.Certificate!.ExportCertificatePem());
    }

    public async Task DisposeAsync()
    {
        await _vault.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task VaultCacertMakesTheEmulatorsCertificateTrusted()
    {
        var result = await Harness(("VAULT_CACERT", _caFile)).RunAsync(["rotate", "--path", "secret/myapp/db", "--field", "password"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.NotEqual("old-password", _vault.ReadKv("secret/myapp/db")!.Value.GetProperty("password").GetString());
    }

    [Fact]
    public async Task VaultCapathTrustsEveryPemFileOfTheDirectory()
    {
        var result = await Harness(("VAULT_CAPATH", _directory.Combine("capath"))).RunAsync(["rotate", "--path", "secret/myapp/db", "--field", "password"]);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task TheFlagWinsOverTheVariable()
    {
        var result = await Harness(("VAULT_CACERT", "/nonexistent/ca.pem"))
            .RunAsync(["rotate", "--path", "secret/myapp/db", "--field", "password", "--vault-ca-cert", _caFile]);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task WithoutTheCaTheSelfSignedCertificateIsRefused()
    {
        var result = await Harness().RunAsync(["rotate", "--path", "secret/myapp/db", "--field", "password"]);

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Equal("old-password", _vault.ReadKv("secret/myapp/db")!.Value.GetProperty("password").GetString());
    }

    [Fact]
    public async Task AnotherCaIsRefused()
    {
        await using var other = await VaultEmulator.StartAsync(new VaultEmulatorOptions { UseHttps = true });
        var otherCa = _directory.Combine("other.pem");
        File.WriteAllText(otherCa, other.Certificate!.ExportCertificatePem());

        var result = await Harness(("VAULT_CACERT", otherCa)).RunAsync(["rotate", "--path", "secret/myapp/db", "--field", "password"]);

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
    }

    [Theory]
    [InlineData("VAULT_CACERT", "missing.pem", "VAULT_CACERT '{0}' does not exist")]
    [InlineData("VAULT_CACERT", "capath", "VAULT_CACERT '{0}' is a directory; pass a directory of PEM files as --vault-ca-path or VAULT_CAPATH")]
    [InlineData("VAULT_CACERT", "not-pem.txt", "holds no PEM certificate")]
    [InlineData("VAULT_CAPATH", "missing", "VAULT_CAPATH '{0}' does not exist")]
    [InlineData("VAULT_CAPATH", "not-pem.txt", "VAULT_CAPATH '{0}' is a file; pass a PEM file as --vault-ca-cert or VAULT_CACERT")]
    public async Task ABadCaSettingIsAUsageError(string variable, string name, string expected)
    {
        File.WriteAllText(_directory.Combine("not-pem.txt"), "hello");
        var path = _directory.Combine(name);

        var result = await Harness((variable, path)).RunAsync(["rotate", "--path", "secret/myapp/db", "--field", "password"]);

        Assert.Equal(ExitCodes.BadArguments, result.ExitCode);
        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, path), result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaFlagsAreRefusedForKeyVault()
    {
        var result = await Harness().RunAsync(["rotate", "--vault-uri", "https://kv.vault.azure.net/", "--name", "a", "--vault-ca-cert", _caFile]);

        Assert.Equal(ExitCodes.BadArguments, result.ExitCode);
        Assert.Contains("--vault-ca-cert and --vault-ca-path are for HashiCorp Vault", result.Error, StringComparison.Ordinal);
    }

    private CliHarness Harness(params (string Name, string Value)[] variables)
    {
        var harness = new CliHarness { Environment = { ["VAULT_ADDR"] = _vault.Address.ToString(), ["VAULT_TOKEN"] = _vault.RootToken } };
        foreach (var (name, value) in variables)
        {
            harness.Environment[name] = value;
        }

        return harness;
    }
}
