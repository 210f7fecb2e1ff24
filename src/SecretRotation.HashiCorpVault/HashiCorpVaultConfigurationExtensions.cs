using SecretRotation;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds HashiCorp Vault secrets to a configuration builder.</summary>
public static class HashiCorpVaultConfigurationExtensions
{
    /// <summary>
    /// Reads <paramref name="path"/> (e.g. <c>secret/myapp/db</c>) from the Vault at <c>VAULT_ADDR</c> with <c>VAULT_TOKEN</c>
    /// into <paramref name="section"/>.
    /// </summary>
    public static IConfigurationBuilder AddHashiCorpVault(this IConfigurationBuilder builder, string path, string section) =>
        builder.AddHashiCorpVault(options => options.Map(path, section));

    /// <summary>Reads the Vault paths that <paramref name="configure"/> maps, with its address, authentication and TLS settings.</summary>
    public static IConfigurationBuilder AddHashiCorpVault(this IConfigurationBuilder builder, Action<HashiCorpVaultSource> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new HashiCorpVaultSource();
        configure(options);
        return builder.Add(options);
    }
}
