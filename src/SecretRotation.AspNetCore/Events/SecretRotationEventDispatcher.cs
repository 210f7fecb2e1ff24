using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace SecretRotation.AspNetCore.Events;

/// <summary>
/// Turns Key Vault events into change notices for the refreshers in the configuration, and waits for them. The webhook and
/// the Service Bus receiver both go through here. Events are at least once and unordered: duplicates (by event id) do
/// nothing, and the Key Vault source ignores versions it has seen; notices that arrive while a refresh runs are merged.
/// </summary>
internal sealed class SecretRotationEventDispatcher(IConfiguration configuration, SecretRotationEventsOptions options, ExpiryAlerts alerts, ILogger logger)
{
    private static readonly Counter<long> Events = new Meter(SecretRotationDiagnostics.MeterName).CreateCounter<long>(
        "secretrotation.events", "{event}", "Key Vault events received, by type and outcome.");

    private readonly RecentEventIds _handled = new();

    // The refreshers a delivered event was for (they owned its notice): only for them has this push path proven it works,
    // so only they may stretch their safety poll. Another vault's source in the same app keeps its normal poll.
    private readonly Lock _coveredLock = new();
    private readonly List<ISecretRefresher> _covered = [];

    public async Task<DispatchResult> DispatchAsync(IReadOnlyList<IncomingEvent> events, CancellationToken cancellationToken)
    {
        // Validate everything first: a malformed batch refreshes nothing.
        var work = new List<(IncomingEvent Event, KeyVaultEventData Data)>();
        foreach (var incoming in events)
        {
            if (incoming.Type is not (KeyVaultEventTypes.SecretNewVersionCreated or KeyVaultEventTypes.SecretNearExpiry or KeyVaultEventTypes.SecretExpired))
            {
                EventsLog.IgnoredEventType(logger, incoming.Id, incoming.Type);
                Count(incoming.Type, "ignored");
                continue;
            }

            if (!KeyVaultEventData.TryParse(incoming.Data, out var data, out var problem))
            {
                return DispatchResult.Invalid(problem!);
            }

            work.Add((incoming, data!));
        }

        var fresh = work.Where(w => !_handled.Contains(w.Event.Id)).ToList();
        foreach (var duplicate in work.Except(fresh))
        {
            EventsLog.Duplicate(logger, duplicate.Event.Id);
            Count(duplicate.Event.Type, "duplicate");
        }

        if (fresh.Count == 0)
        {
            // A redelivery still proves the push path works for the sources it reached before.
            ReportPushHealth(healthy: true);
            return DispatchResult.Done(0);
        }

        var refreshers = configuration.GetSecretRefreshers();
        var notices = new List<SecretChangeNotice>();
        var announcements = new List<(IncomingEvent Event, KeyVaultEventData Data, SecretChangeNotice Secret, bool HeldBefore)>();
        foreach (var (incoming, data) in fresh)
        {
            var version = data.Version;
            if (incoming.Type != KeyVaultEventTypes.SecretNewVersionCreated)
            {
                // Only announcements about secrets this app holds count (before the refresh: an expired one drops out).
                var secret = data.ToNotice(data.Version);
                announcements.Add((incoming, data, secret, Holds(refreshers, secret)));

                // The loaded version is the one expiring: a notice naming it would be skipped as seen, so name none.
                version = null;
            }

            var notice = data.ToNotice(version);
            if (!notices.Contains(notice))
            {
                notices.Add(notice);
            }
        }

        if (options.MaxRandomDelay > TimeSpan.Zero)
        {
            await Task.Delay(options.MaxRandomDelay * options.Randomizer(), options.TimeProvider, cancellationToken);
        }

        var result = await RefreshAsync(refreshers, notices, cancellationToken);
        if (result.Status == DispatchStatus.Done)
        {
            // A valid delivery proves the push path works for the sources that owned its events.
            ReportPushHealth(healthy: true);
        }

        RecordAnnouncements(refreshers, announcements, result.Status == DispatchStatus.Done);
        foreach (var (incoming, data) in fresh)
        {
            Count(incoming.Type, result.Status == DispatchStatus.Done ? "handled" : "failed");
            if (result.Status == DispatchStatus.Done)
            {
                _handled.Add(incoming.Id);
                if (incoming.Type == KeyVaultEventTypes.SecretNewVersionCreated)
                {
                    // A new version replaces the one Key Vault warned about: the health check stops reporting it.
                    alerts.Clear(data.VaultName, data.ObjectName);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Tells the refreshers whether push works (a handshake, a delivery, a connected receiver) or looks broken. Healthy
    /// reaches only the refreshers an event delivered here was for; broken reaches every refresher in the configuration.
    /// </summary>
    public void ReportPushHealth(bool healthy)
    {
        IEnumerable<ISecretRefresher> targets;
        if (healthy)
        {
            lock (_coveredLock)
            {
                targets = _covered.ToArray();
            }
        }
        else
        {
            targets = configuration.GetSecretRefreshers();
        }

        foreach (var refresher in targets)
        {
            refresher.ReportPushHealth(healthy);
        }
    }

    private void MarkCovered(ISecretRefresher refresher)
    {
        lock (_coveredLock)
        {
            if (!_covered.Contains(refresher))
            {
                _covered.Add(refresher);
            }
        }
    }

    private static bool Holds(IReadOnlyList<ISecretRefresher> refreshers, SecretChangeNotice secret) =>
        refreshers.Any(refresher => refresher.HoldsSecret(secret));

    private void RecordAnnouncements(
        IReadOnlyList<ISecretRefresher> refreshers,
        List<(IncomingEvent Event, KeyVaultEventData Data, SecretChangeNotice Secret, bool HeldBefore)> announcements,
        bool refreshed)
    {
        foreach (var (incoming, data, secret, heldBefore) in announcements)
        {
            if (heldBefore || (refreshed && Holds(refreshers, secret)))
            {
                EventsLog.ExpiryEvent(logger, incoming.Type, data.ObjectName, data.VaultName);
                var expires = data.Expires is { } exp && exp is >= -62_135_596_800 and <= 253_402_300_799 ? DateTimeOffset.FromUnixTimeSeconds(exp) : (DateTimeOffset?)null;
                alerts.Record(new ExpiryAlert(data.VaultName, secret, incoming.Type, options.TimeProvider.GetUtcNow(), expires));
            }
            else
            {
                EventsLog.ExpiryEventNotHeld(logger, incoming.Type, data.ObjectName, data.VaultName);
            }
        }
    }

    private async Task<DispatchResult> RefreshAsync(IReadOnlyList<ISecretRefresher> refreshers, List<SecretChangeNotice> notices, CancellationToken cancellationToken)
    {
        var refreshes = notices.Select(notice => (notice, Tasks: refreshers.Select(r => r.RefreshAsync(notice, cancellationToken)).ToArray())).ToArray();
        var all = Task.WhenAll(refreshes.SelectMany(r => r.Tasks));
        try
        {
            await all.WaitAsync(options.RefreshTimeout, options.TimeProvider, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The refreshes go on and may still fail: observe that, so it is not an unobserved task exception.
            _ = all.ContinueWith(static task => _ = task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            EventsLog.RefreshFailed(logger, string.Join(", ", notices.Select(n => n.Store).Distinct()), "timed out");
            return DispatchResult.Failed("refresh timed out");
        }
        catch (Exception exception) when (exception is SecretSourceException or ObjectDisposedException)
        {
            EventsLog.RefreshFailed(logger, string.Join(", ", notices.Select(n => n.Store).Distinct()), exception.Message);
            return DispatchResult.Failed("refresh failed");
        }

        var handled = 0;
        foreach (var (notice, tasks) in refreshes)
        {
            for (var i = 0; i < tasks.Length; i++)
            {
                if (tasks[i].Result)
                {
                    MarkCovered(refreshers[i]);
                }
            }

            if (tasks.Any(t => t.Result))
            {
                handled++;
            }
            else
            {
                EventsLog.NoSourceForVault(logger, notice.Store, notice.SecretName);
            }
        }

        if (handled > 0)
        {
            EventsLog.Refreshed(logger, handled, notices.Count);
        }

        return DispatchResult.Done(handled);
    }

    /// <summary>Tags only known event types by name: the type comes from the request, so anything else is "other".</summary>
    private static void Count(string type, string outcome) =>
        Events.Add(
            1,
            new KeyValuePair<string, object?>("secretrotation.event_type", type is KeyVaultEventTypes.SecretNewVersionCreated or KeyVaultEventTypes.SecretNearExpiry or KeyVaultEventTypes.SecretExpired ? type : "other"),
            new KeyValuePair<string, object?>("secretrotation.outcome", outcome));
}
