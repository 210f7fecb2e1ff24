using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using SecretRotation.Testing;

namespace SecretRotation.Cli.Tests.FirstHour;

/// <summary><c>--credential</c>, <c>--authority-host</c> and <c>--disable-challenge-resource-verification</c> on rotate, watch and mirror.</summary>
public sealed class KeyVaultCredentialTests : IAsyncLifetime
{
    private KeyVaultEmulator _keyVault = null!;

    public async Task InitializeAsync() => _keyVault = await KeyVaultEmulator.StartAsync();

    public async Task DisposeAsync() => await _keyVault.DisposeAsync();

    [Fact]
    public async Task WithoutTheOptionsTheDefaultCredentialAndThePublicCloudAreUsed()
    {
        var harness = Harness();

        var result = await harness.RunAsync(["rotate", "--vault-uri", _keyVault.VaultUri.ToString(), "--name", "Db--Password"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(KeyVaultConnection.Default, Assert.Single(harness.KeyVaultConnections));
    }

    [Fact]
    public async Task RotateTakesTheCredentialTheAuthorityHostAndTheChallengeSwitch()
    {
        var harness = Harness();

        var result = await harness.RunAsync(
        [
            "rotate", "--vault-uri", _keyVault.VaultUri.ToString(), "--name", "Db--Password",
            "--credential", "workload-identity", "--authority-host", "https://login.microsoftonline.us", "--disable-challenge-resource-verification",
        ]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            new KeyVaultConnection("workload-identity", new Uri("https://login.microsoftonline.us"), true),
            Assert.Single(harness.KeyVaultConnections));
    }

    [Fact]
    public async Task WatchTakesTheCredential()
    {
        _keyVault.SetSecret("Db--Password", "p");
        var harness = Harness();

        var result = await harness.RunAsync(["watch", "--vault-uri", _keyVault.VaultUri.ToString(), "--credential", "azure-cli", "--timeout", "1ms"]);

        Assert.Equal(new KeyVaultConnection("azure-cli", null, false), Assert.Single(harness.KeyVaultConnections));
        Assert.DoesNotContain("error: --credential", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MirrorHelpListsTheCredentialOptions()
    {
        var result = await CliHarness.RunWithoutContextAsync("mirror", "--help");

        foreach (var option in new[] { "--credential", "--authority-host", "--disable-challenge-resource-verification", "--vault-ca-cert", "--vault-ca-path" })
        {
            Assert.Contains(option, result.Out, StringComparison.Ordinal);
        }

        Assert.Contains("For emulators only", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Argument 'password' not recognized", "--credential", "password")]
    [InlineData("--authority-host 'http://login.microsoftonline.us' is not an https:// URL", "--authority-host", "http://login.microsoftonline.us")]
    [InlineData("--authority-host 'login.microsoftonline.us' is not an https:// URL", "--authority-host", "login.microsoftonline.us")]
    public async Task BadCredentialOptionsAreUsageErrors(string expected, string option, string value)
    {
        var result = await Harness().RunAsync(["rotate", "--vault-uri", "https://kv.vault.azure.net/", "--name", "a", option, value]);

        Assert.Equal(ExitCodes.BadArguments, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialOptionsAreRefusedForVault()
    {
        var result = await Harness().RunAsync(["rotate", "--path", "secret/a", "--field", "b", "--credential", "azure-cli"]);

        Assert.Equal(ExitCodes.BadArguments, result.ExitCode);
        Assert.Contains("are for Azure Key Vault", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("default", typeof(DefaultAzureCredential))]
    [InlineData("workload-identity", typeof(WorkloadIdentityCredential))]
    [InlineData("managed-identity", typeof(ManagedIdentityCredential))]
    [InlineData("azure-cli", typeof(AzureCliCredential))]
    [InlineData("environment", typeof(EnvironmentCredential))]
    public void EachCredentialNameMakesItsAzureIdentityType(string name, Type expected)
    {
        var connection = new KeyVaultConnection(name, new Uri("https://login.microsoftonline.us"), false);

        Assert.IsType(expected, connection.CreateCredential(_ => null));
    }

    [Fact]
    public void TheAuthorityHostIsSetOnTheCredentialOptionsOnlyWhenGiven()
    {
        var sovereign = new KeyVaultConnection("default", new Uri("https://login.microsoftonline.us"), false);

        Assert.Equal(new Uri("https://login.microsoftonline.us"), sovereign.Configure(new WorkloadIdentityCredentialOptions()).AuthorityHost);
        Assert.Equal(AzureAuthorityHosts.AzurePublicCloud, KeyVaultConnection.Default.Configure(new AzureCliCredentialOptions()).AuthorityHost);
    }

    [Fact]
    public void TheChallengeSwitchReachesTheClientOptions()
    {
        Assert.True(new KeyVaultConnection("default", null, true).CreateClientOptions().DisableChallengeResourceVerification);
        Assert.False(KeyVaultConnection.Default.CreateClientOptions().DisableChallengeResourceVerification);
    }

    private CliHarness Harness() => new() { SecretClient = _ => _keyVault.CreateClient(new SecretClientOptions { Retry = { MaxRetries = 0 } }) };
}
