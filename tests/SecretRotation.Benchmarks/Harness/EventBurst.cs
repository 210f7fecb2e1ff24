using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using SecretRotation.Testing;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// Part 3 of the events harness: a few secrets are rotated (once each, or twice), then many <c>SecretNewVersionCreated</c>
/// events for them (each with its own event id, naming in turn the newest version, the intermediate one when there are two
/// rotations, and the version the app loaded at start) are shuffled and POSTed several at a time, as Event Grid's
/// at-least-once, unordered delivery and several subscriptions can produce. Counts what reached Key Vault.
/// </summary>
internal static class EventBurst
{
    public const int DefaultSecrets = 10;

    public const int DefaultEvents = 1000;

    public const int DefaultConcurrency = 16;

    /// <summary>Fixed, so the delivery order is the same from run to run (the interleaving of concurrent POSTs is not).</summary>
    private const int Seed = 20260303;

    private const string NewValue = "rotated";

    /// <param name="rotations">Rotations per secret before the burst: 1, or 2 for an intermediate version the app never loads.</param>
    public static async Task<EventBurstRun> RunAsync(int secrets, int events, int concurrency, int rotations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rotations, 1);
        var names = Enumerable.Range(0, secrets).Select(static i => $"Burst--S{i:D2}").ToArray();
        var loadedVersions = new string[secrets];
        await using var host = await PushHost.StartAsync(vault =>
        {
            for (var i = 0; i < secrets; i++)
            {
                loadedVersions[i] = vault.SetSecret(names[i], "initial");
            }
        });
        var handshake = await host.Deliverer.HandshakeAsync();
        if (!handshake.Succeeded)
        {
            throw new InvalidOperationException($"The validation handshake failed: {handshake.Failure}");
        }

        // The rotations are written first; the burst then announces them, with duplicates and stale versions, in any order.
        // versions[secret] runs from the loaded version to the newest.
        var versions = new List<string>[secrets];
        for (var i = 0; i < secrets; i++)
        {
            versions[i] = [loadedVersions[i]];
            for (var r = 1; r <= rotations; r++)
            {
                versions[i].Add(host.Vault.SetSecret(names[i], r == rotations ? NewValue : $"intermediate-{r}"));
            }
        }

        var burst = new EventGridTestEvent[events];
        var byVersion = new int[rotations + 1];
        for (var e = 0; e < events; e++)
        {
            var secret = e % secrets;
            var age = (e / secrets) % (rotations + 1);
            byVersion[age]++;
            burst[e] = host.NewVersionEvent(names[secret], versions[secret][rotations - age]);
        }

        new Random(Seed).Shuffle(burst);

        using var reads = new RefreshRecorder(host.Provider.SourceName);
        host.Vault.ClearRequests();
        var reloadsBefore = host.Reloads;
        var statuses = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(burst, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (@event, cancellationToken) =>
        {
            var result = await host.Deliverer.DeliverAsync(@event, cancellationToken);
            var status = result.Attempts.Count == 1 && result.Attempts[0].StatusCode is int code
                ? code.ToString(CultureInfo.InvariantCulture)
                : "error";
            statuses.AddOrUpdate(status, 1, static (_, count) => count + 1);
        });
        var duration = clock.Elapsed;

        // The emulator logs a request just after answering it.
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        var requests = host.Vault.Requests;
        var gets = requests.Where(static request => request.IsAuthenticated && request.Operation == KeyVaultOperation.GetSecret).ToArray();
        var getsPerSecret = new SortedDictionary<string, int>(
            gets.GroupBy(static request => request.SecretName ?? "(none)", StringComparer.OrdinalIgnoreCase).ToDictionary(static group => group.Key, static group => group.Count()),
            StringComparer.Ordinal);
        var lists = requests.Count(static request => request.IsAuthenticated && request.Operation == KeyVaultOperation.ListSecrets);
        var newValues = names.Count(name => host.Configuration[name.Replace("--", ":", StringComparison.Ordinal)] == NewValue);

        return new EventBurstRun(
            secrets,
            rotations,
            events,
            byVersion[0],
            byVersion[1..^1].Sum(),
            byVersion[^1],
            concurrency,
            duration,
            new SortedDictionary<string, int>(statuses, StringComparer.Ordinal),
            gets.Length,
            getsPerSecret,
            lists,
            reads.ByTriggers,
            host.Reloads - reloadsBefore,
            newValues);
    }
}
