using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace SecretRotation.AzureKeyVault.Tests.FirstHour;

/// <summary>An http:// or schemeless vault URI fails at AddAzureKeyVaultSecrets with our message showing the expected form.</summary>
public sealed class VaultUriTests
{
    [Theory]
    [InlineData("http://myvault.vault.azure.net/", "is not an https:// URL such as https://<name>.vault.azure.net/")]
    [InlineData("ftp://myvault.vault.azure.net/", "is not an https:// URL such as https://<name>.vault.azure.net/")]
    public void ANonHttpsVaultUriNamesTheExpectedForm(string uri, string expected)
    {
        var exception = Assert.Throws<ArgumentException>(
            () => new ConfigurationBuilder().AddAzureKeyVaultSecrets(new Uri(uri), new DefaultAzureCredential()));

        Assert.Contains($"'{uri}' {expected}", exception.Message, StringComparison.Ordinal);
        Assert.Equal("vaultUri", exception.ParamName);
    }

    [Fact]
    public void ASchemelessVaultUriNamesTheExpectedForm()
    {
        var exception = Assert.Throws<ArgumentException>(
            () => new ConfigurationBuilder().AddAzureKeyVaultSecrets(new Uri("myvault.vault.azure.net", UriKind.Relative), new DefaultAzureCredential()));

        Assert.Contains("'myvault.vault.azure.net' has no scheme", exception.Message, StringComparison.Ordinal);
        Assert.Contains("https://<name>.vault.azure.net/", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnHttpsVaultUriIsAccepted()
    {
        var builder = new ConfigurationBuilder().AddAzureKeyVaultSecrets(new Uri("https://myvault.vault.azure.net/"), new DefaultAzureCredential());

        Assert.Single(builder.Sources);
    }
}
