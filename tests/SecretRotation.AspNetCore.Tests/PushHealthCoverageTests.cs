using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using SecretRotation.AspNetCore.Events;

namespace SecretRotation.AspNetCore.Tests;

/// <summary>
/// Push-aware polling must only stretch the safety poll of a source push has proven to reach: an app with two vaults whose
/// events arrive for one of them keeps polling the other at its normal interval (issue 12).
/// </summary>
public sealed class PushHealthCoverageTests
{
    [Fact]
    public async Task HealthyPushReachesOnlyTheSourcesItsEventsWereForAndBrokenPushReachesAll()
    {
        var covered = new PushRecordingRefresher("keyvault:a", ownsVault: "a");
        var other = new PushRecordingRefresher("keyvault:b", ownsVault: "b");
        var configuration = new ConfigurationBuilder().Add(new ProviderSource(covered)).Add(new ProviderSource(other)).Build();
        var dispatcher = new SecretRotationEventDispatcher(configuration, new SecretRotationEventsOptions(), new ExpiryAlerts(), NullLogger.Instance);

        // Before any delivery, a handshake or a receiver heartbeat proves nothing about either vault.
        dispatcher.ReportPushHealth(healthy: true);
        Assert.Empty(covered.Reports);
        Assert.Empty(other.Reports);

        var delivery = new IncomingEvent("1", BusMessages.NewVersion, "Db--Password", BinaryData.FromString(WireEvents.KeyVaultData("a.vault.azure.net", "Db--Password", "v2").ToJsonString()));
        var result = await dispatcher.DispatchAsync([delivery], CancellationToken.None);

        Assert.Equal(DispatchStatus.Done, result.Status);
        Assert.Equal([true], covered.Reports);
        Assert.Empty(other.Reports);

        dispatcher.ReportPushHealth(healthy: true);
        dispatcher.ReportPushHealth(healthy: false);
        Assert.Equal([true, true, false], covered.Reports);
        Assert.Equal([false], other.Reports);
    }

    private sealed class ProviderSource(IConfigurationProvider provider) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => provider;
    }

    private sealed class PushRecordingRefresher(string name, string ownsVault) : ConfigurationProvider, ISecretRefresher
    {
        private readonly List<bool> _reports = [];

        public List<bool> Reports
        {
            get
            {
                lock (_reports)
                {
                    return [.. _reports];
                }
            }
        }

        public string SourceName => name;

        public SecretSourceStatus Status => new(name, false, true, 1, null, null, 0, null, []);

        public Task RefreshAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<bool> TryRefreshAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

        public Task<bool> RefreshAsync(SecretChangeNotice notice, CancellationToken cancellationToken = default) =>
            Task.FromResult(notice.Store.StartsWith(ownsVault + ".", StringComparison.OrdinalIgnoreCase));

        public void ReportPushHealth(bool healthy)
        {
            lock (_reports)
            {
                _reports.Add(healthy);
            }
        }
    }
}
