using Azure.Identity;
using Microsoft.Extensions.DependencyInjection;
using SecretRotation.HashiCorpVault;
using SecretRotation.TestSupport;
using SecretRotation.Testing;
using SecretRotation.VaultMirror.Configuration;
using SecretRotation.VaultMirror.Hosting;

namespace SecretRotation.VaultMirror.Tests.FirstHour;

/// <summary>
/// <c>Mirror:KeyVault:Credential</c>, <c>AuthorityHost</c>, <c>DisableChallengeResourceVerification</c> and the Vault CA settings:
/// bound from configuration, validated at start-up with messages naming the setting, and used to make the clients.
/// </summary>
public sealed class MirrorCredentialSettingsTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task TheSettingsAreBoundFromConfigurationAndTheVaultVariables()
    {
        var ca = _directory.Combine("ca.pem");
        File.WriteAllText(ca, "not checked here");
        string[] args =
        [
            "--Mirror:KeyVaultUri=https://kv.vault.usgovcloudapi.net/",
            "--Mirror:VaultAddress=https://vault.example:8200",
            "--Mirror:Auth:Method=Token",
            "--Mirror:Auth:Token=t",
            "--Mirror:KeyVault:Credential=workload-identity",
            "--Mirror:KeyVault:AuthorityHost=https://login.microsoftonline.us",
            "--Mirror:KeyVault:DisableChallengeResourceVerification=true",
            $"--VAULT_CACERT={ca}",
            "--VAULT_CAPATH=/etc/ssl/vault",
        ];
        await using var app = MirrorApplication.Build(args, once: true);

        var options = app.Services.GetRequiredService<MirrorOptions>();

        Assert.Equal("workload-identity", options.KeyVault.NormalizedCredential);
        Assert.Equal(new Uri("https://login.microsoftonline.us"), options.KeyVault.AuthorityHost);
        Assert.True(options.KeyVault.DisableChallengeResourceVerification);
        Assert.Equal(ca, options.VaultCaCertificateFile);
        Assert.Equal("/etc/ssl/vault", options.VaultCaCertificateDirectory);
    }

    [Fact]
    public void TheDefaultsAreValid()
    {
        var options = Valid();

        Assert.Empty(MirrorOptionsValidator.Check(options));
        Assert.Equal("default", options.KeyVault.NormalizedCredential);
        Assert.IsType<DefaultAzureCredential>(MirrorClientFactory.CreateCredential(options.KeyVault, _ => null));
        Assert.Null(MirrorClientFactory.LoadVaultCa(options));
    }

    [Theory]
    [InlineData("Mirror:KeyVault:Credential must be one of default, workload-identity, managed-identity, azure-cli, environment (got 'password')")]
    public void AnUnknownCredentialIsNamed(string expected)
    {
        var options = Valid();
        options.KeyVault.Credential = "password";

        Assert.Contains(expected, Assert.Single(MirrorOptionsValidator.Check(options)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("default", typeof(DefaultAzureCredential))]
    [InlineData("workload-identity", typeof(WorkloadIdentityCredential))]
    [InlineData("WorkloadIdentity", typeof(WorkloadIdentityCredential))]
    [InlineData("managed-identity", typeof(ManagedIdentityCredential))]
    [InlineData("AzureCli", typeof(AzureCliCredential))]
    [InlineData("environment", typeof(EnvironmentCredential))]
    public void EachCredentialNameMakesItsAzureIdentityType(string name, Type expected)
    {
        var keyVault = new MirrorKeyVaultOptions { Credential = name, AuthorityHost = new Uri("https://login.microsoftonline.us") };

        Assert.IsType(expected, MirrorClientFactory.CreateCredential(keyVault, _ => null));
    }

    [Theory]
    [InlineData("http://login.microsoftonline.us")]
    [InlineData("login.microsoftonline.us")]
    public void AnAuthorityHostThatIsNotHttpsIsNamed(string authority)
    {
        var options = Valid();
        options.KeyVault.AuthorityHost = new Uri(authority, UriKind.RelativeOrAbsolute);

        Assert.Contains(
            $"Mirror:KeyVault:AuthorityHost must be an https:// URL such as https://login.microsoftonline.us (got '{authority}')",
            Assert.Single(MirrorOptionsValidator.Check(options)),
            StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingCaFileAndACaDirectoryThatIsAFileAreNamed()
    {
        var file = _directory.Combine("ca.pem");
        File.WriteAllText(file, "x");
        var missing = Valid();
        missing.VaultCaCertificateFile = _directory.Combine("missing.pem");
        var fileAsDirectory = Valid();
        fileAsDirectory.VaultCaCertificateDirectory = file;

        Assert.Contains($"Mirror:VaultCaCertificateFile '{missing.VaultCaCertificateFile}' does not exist", Assert.Single(MirrorOptionsValidator.Check(missing)), StringComparison.Ordinal);
        Assert.Contains($"Mirror:VaultCaCertificateDirectory '{file}' is a file", Assert.Single(MirrorOptionsValidator.Check(fileAsDirectory)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInvalidSettingStopsTheServiceAtStartUpWithExitOne()
    {
        await using var harness = await MirrorHarness.StartAsync();

        var exitCode = await MirrorApplication.RunAsync(
            HostedMirror.Arguments(harness, "--once", "--Mirror:KeyVault:Credential=client-secret"), HostedMirror.UseHarness(harness));

        Assert.Equal(1, exitCode);
        Assert.Empty(harness.KeyVault.Requests);
    }

    [Fact]
    public async Task OnceMirrorsIntoAVaultOverHttpsTrustedThroughVaultCacert()
    {
        await using var harness = await MirrorHarness.StartAsync();
        await using var vault = await VaultEmulator.StartAsync(new VaultEmulatorOptions { UseHttps = true });
        var ca = _directory.Combine("vault-ca.pem");
        File.WriteAllText(ca, vault.Certificate!.ExportCertificatePem());
        harness.KeyVault.SetSecret("db", "v1");
        string[] args =
        [
            $"--Mirror:KeyVaultUri={harness.KeyVault.VaultUri}",
            $"--Mirror:VaultAddress={vault.Address}",
            "--Mirror:Auth:Method=Token",
            $"--Mirror:Auth:Token={vault.RootToken}",
            $"--VAULT_CACERT={ca}",
            "--Logging:LogLevel:Default=Warning",
            "--once",
        ];

        // The harness's Key Vault client, but no Vault handler override: the mirror's own handler must trust the CA file.
        var exitCode = await MirrorApplication.RunAsync(args, builder => builder.Services.AddSingleton(harness.SecretClient));

        Assert.Equal(0, exitCode);
        Assert.Equal("v1", vault.ReadKv("secret/mirror/db")?.GetProperty("value").GetString());
    }

    [Fact]
    public async Task WithoutTheCaTheVaultCertificateIsRefused()
    {
        await using var vault = await VaultEmulator.StartAsync(new VaultEmulatorOptions { UseHttps = true });
        var options = Valid();

        using var client = new VaultClient(new VaultClientOptions
        {
            Address = vault.Address,
            Authentication = VaultAuthMethod.Token(vault.RootToken),
            CaCertificates = MirrorClientFactory.LoadVaultCa(options),
        });

        await Assert.ThrowsAsync<HttpRequestException>(() => client.LookupSelfAsync());
    }

    [Fact]
    public void ACaDirectoryLoadsEveryPemFile()
    {
        var directory = _directory.Combine("capath");
        Directory.CreateDirectory(directory);
        using var key = System.Security.Cryptography.ECDsa.Create();
        for (var i = 0; i < 2; i++)
        {
            using var certificate = new System.Security.Cryptography.X509Certificates.CertificateRequest($"CN=ca {i}", key, System.Security.Cryptography.HashAlgorithmName.SHA256)
                .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(Path.Combine(directory, $"ca{i}.pem"), certificate.ExportCertificatePem());
        }

        var options = Valid();
        options.VaultCaCertificateDirectory = directory;

        Assert.Equal(2, MirrorClientFactory.LoadVaultCa(options)!.Count);
    }

    private static MirrorOptions Valid() => new()
    {
        KeyVaultUri = new Uri("https://kv.vault.azure.net/"),
        VaultAddress = new Uri("https://vault.example:8200"),
        Auth = new MirrorAuthOptions { Method = VaultAuthKind.Token, Token = "t" },
    };
}
