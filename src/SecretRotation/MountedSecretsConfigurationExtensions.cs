using SecretRotation;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds mounted secret volumes and rendered secret files to a configuration builder.</summary>
public static class MountedSecretsConfigurationExtensions
{
    /// <summary>Adds a required key-per-file secret directory (Kubernetes secret volume, CSI mount, Vault Agent output).</summary>
    public static IConfigurationBuilder AddMountedSecrets(this IConfigurationBuilder builder, string path) =>
        builder.AddMountedSecrets(path, optional: false);

    /// <summary>Adds a key-per-file secret directory; an optional one may be missing at start-up.</summary>
    public static IConfigurationBuilder AddMountedSecrets(this IConfigurationBuilder builder, string path, bool optional) =>
        builder.AddMountedSecrets(source =>
        {
            source.Path = path;
            source.Optional = optional;
        });

    /// <summary>Adds a key-per-file secret directory at <paramref name="path"/>, with more settings.</summary>
    public static IConfigurationBuilder AddMountedSecrets(this IConfigurationBuilder builder, string path, Action<MountedSecretsSource> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddMountedSecrets(source =>
        {
            source.Path = path;
            configure(source);
        });
    }

    /// <summary>Adds a key-per-file secret directory configured by <paramref name="configure"/>.</summary>
    public static IConfigurationBuilder AddMountedSecrets(this IConfigurationBuilder builder, Action<MountedSecretsSource> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var source = new MountedSecretsSource();
        configure(source);
        return builder.Add(source);
    }

    /// <summary>Adds a required rendered secrets file (JSON, or KEY=VALUE lines), e.g. from Vault Agent.</summary>
    public static IConfigurationBuilder AddMountedSecretsFile(this IConfigurationBuilder builder, string path) =>
        builder.AddMountedSecretsFile(path, optional: false);

    /// <summary>Adds a rendered secrets file; an optional one may be missing at start-up.</summary>
    public static IConfigurationBuilder AddMountedSecretsFile(this IConfigurationBuilder builder, string path, bool optional) =>
        builder.AddMountedSecretsFile(source =>
        {
            source.Path = path;
            source.Optional = optional;
        });

    /// <summary>Adds a rendered secrets file at <paramref name="path"/>, with more settings.</summary>
    public static IConfigurationBuilder AddMountedSecretsFile(this IConfigurationBuilder builder, string path, Action<MountedSecretsFileSource> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddMountedSecretsFile(source =>
        {
            source.Path = path;
            configure(source);
        });
    }

    /// <summary>Adds a rendered secrets file configured by <paramref name="configure"/>.</summary>
    public static IConfigurationBuilder AddMountedSecretsFile(this IConfigurationBuilder builder, Action<MountedSecretsFileSource> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var source = new MountedSecretsFileSource();
        configure(source);
        return builder.Add(source);
    }
}
