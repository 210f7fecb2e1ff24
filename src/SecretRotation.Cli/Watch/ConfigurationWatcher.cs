using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace SecretRotation.Cli.Watch;

/// <summary>
/// Prints a built configuration's secret keys with fingerprints, then every reload as it happens: the time, the sources whose keys
/// changed, and each added, changed or removed key with its fingerprints. Values are never printed.
/// </summary>
internal sealed class ConfigurationWatcher(IConfigurationRoot root, CliContext context)
{
    /// <summary>The line printed once the initial state is out and reloads are being watched.</summary>
    public const string WatchingLine = "Watching for reloads (Ctrl+C to stop).";

    /// <summary>Watches until <paramref name="maxEvents"/> reloads were printed, <paramref name="timeout"/> passed, or <paramref name="cancellationToken"/> (Ctrl+C).</summary>
    /// <returns>The exit code: 1 when the timeout passed before <paramref name="maxEvents"/> reloads, otherwise 0.</returns>
    public async Task<int> RunAsync(int? maxEvents, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var providers = root.Providers.Where(provider => provider is ISecretRefresher).ToArray();
        var reloads = Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = true });

        // Subscribe before the first snapshot, so a reload between the two is not lost (it then shows as no change, or as one).
        using var subscription = ChangeToken.OnChange(root.GetReloadToken, () => reloads.Writer.TryWrite(true));
        var snapshots = providers.Select(Capture).ToArray();
        await PrintInitialAsync(providers, snapshots);

        using var timeoutSource = timeout is { } duration ? new CancellationTokenSource(duration, context.TimeProvider) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var events = 0;
        try
        {
            while (await reloads.Reader.WaitToReadAsync(stop.Token))
            {
                while (reloads.Reader.TryRead(out _))
                {
                }

                var changed = new List<(string Source, IReadOnlyList<KeyChange> Changes)>();
                for (var i = 0; i < providers.Length; i++)
                {
                    var current = Capture(providers[i]);
                    var changes = current.ChangesSince(snapshots[i]);
                    snapshots[i] = current;
                    if (changes.Count > 0)
                    {
                        changed.Add((current.SourceName, changes));
                    }
                }

                if (changed.Count == 0)
                {
                    continue;
                }

                events++;
                await PrintReloadAsync(events, changed);
                if (maxEvents is { } max && events >= max)
                {
                    return ExitCodes.Ok;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await context.Out.WriteLineAsync($"Stopped after {Plural(events, "reload")}.");
            return ExitCodes.Ok;
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested)
        {
            if (maxEvents is { } max)
            {
                await context.Error.WriteLineAsync($"error: timed out after {DurationParser.Format(timeout!.Value)}: saw {Plural(events, "reload")} of the {max} asked for with --max-events.");
                return ExitCodes.Failed;
            }

            await context.Out.WriteLineAsync($"Stopped after {DurationParser.Format(timeout!.Value)} with {Plural(events, "reload")}.");
            return ExitCodes.Ok;
        }

        return ExitCodes.Ok;
    }

    private static ProviderSnapshot Capture(IConfigurationProvider provider) =>
        ProviderSnapshot.Capture(provider, ((ISecretRefresher)provider).SourceName);

    private async Task PrintInitialAsync(IConfigurationProvider[] providers, ProviderSnapshot[] snapshots)
    {
        var now = Now();
        for (var i = 0; i < snapshots.Length; i++)
        {
            var status = ((ISecretRefresher)providers[i]).Status;
            var state = status.HasLoaded ? Plural(snapshots[i].Fingerprints.Count, "key") : $"not loaded: {status.LastError}";
            await context.Out.WriteLineAsync($"{now}  initial  {snapshots[i].SourceName}  ({state})");
            await PrintKeysAsync(snapshots[i].Fingerprints.Select(pair => new KeyChange(pair.Key, null, pair.Value)).ToArray(), initial: true);
        }

        await context.Out.WriteLineAsync(WatchingLine);
    }

    private async Task PrintReloadAsync(int number, List<(string Source, IReadOnlyList<KeyChange> Changes)> changed)
    {
        var now = Now();
        foreach (var (source, changes) in changed)
        {
            await context.Out.WriteLineAsync($"{now}  reload {number}  {source}  ({Plural(changes.Count, "key")} changed)");
            await PrintKeysAsync(changes, initial: false);
        }
    }

    private async Task PrintKeysAsync(IReadOnlyList<KeyChange> keys, bool initial)
    {
        var width = keys.Count == 0 ? 0 : keys.Max(change => change.Key.Length);
        foreach (var change in keys)
        {
            var key = change.Key.PadRight(width);
            var line = (initial, change.Before, change.After) switch
            {
                (true, _, _) => $"    {key}  {change.After}",
                (false, null, _) => $"  + {key}  {change.After}  (added)",
                (false, _, null) => $"  - {key}  (removed; was {change.Before})",
                _ => $"  ~ {key}  {change.Before} -> {change.After}",
            };
            await context.Out.WriteLineAsync(line);
        }
    }

    private string Now() => context.TimeProvider.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
