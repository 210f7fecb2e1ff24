namespace AksSample;

/// <summary>Builds a <see cref="StatusReport"/> from the change tracker and the configuration's secret refreshers.</summary>
public sealed class StatusReporter(
    SecretChangeTracker tracker,
    IConfiguration configuration,
    SampleMode mode,
    TimeProvider timeProvider,
    PostgresQueryCounter? postgres = null)
{
    public StatusReport Create()
    {
        var secrets = tracker.Secrets
            .Select(secret => new SecretReport(
                secret.Key,
                secret.Fingerprint,
                SecretSourceLocator.Describe(configuration, secret.Key),
                secret.LastChanged,
                secret.ChangeCount))
            .ToArray();
        var sources = configuration.GetSecretRefreshers().Select(refresher => refresher.Status).ToArray();
        return new StatusReport(
            mode.Name,
            mode.MountPath,
            mode.RenderedFile,
            mode.VaultUri,
            mode.HashiCorpVaultAddress,
            mode.HashiCorpVaultPaths,
            timeProvider.GetUtcNow(),
            secrets,
            sources)
        {
            Postgres = postgres?.Report(),
        };
    }
}
