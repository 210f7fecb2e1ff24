using System.Collections.Concurrent;
using System.Diagnostics;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// Counts one source's reads by what triggered them, from the engine's <c>SecretRotation.Refresh</c> activities
/// (tags <c>secretrotation.source</c> and <c>secretrotation.triggers</c>).
/// </summary>
internal sealed class RefreshRecorder : IDisposable
{
    private const string RefreshActivity = "SecretRotation.Refresh";
    private const string SourceTag = "secretrotation.source";
    private const string TriggersTag = "secretrotation.triggers";

    private readonly ActivityListener _listener;
    private readonly string _sourceName;
    private readonly ConcurrentDictionary<string, int> _byTriggers = new(StringComparer.Ordinal);

    public RefreshRecorder(string sourceName)
    {
        _sourceName = sourceName;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SecretRotationDiagnostics.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Reads so far, by the engine's trigger description (e.g. <c>Watcher</c>, <c>Watcher, Manual</c>).</summary>
    public IReadOnlyDictionary<string, int> ByTriggers => new SortedDictionary<string, int>(_byTriggers, StringComparer.Ordinal);

    public int Total => _byTriggers.Values.Sum();

    public void Dispose() => _listener.Dispose();

    private void OnStopped(Activity activity)
    {
        if (activity.OperationName != RefreshActivity || !Equals(activity.GetTagItem(SourceTag), _sourceName))
        {
            return;
        }

        var triggers = activity.GetTagItem(TriggersTag) as string ?? "(none)";
        _byTriggers.AddOrUpdate(triggers, 1, static (_, count) => count + 1);
    }
}
