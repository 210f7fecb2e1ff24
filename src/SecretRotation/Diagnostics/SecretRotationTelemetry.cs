using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using SecretRotation.Engine;

namespace SecretRotation.Diagnostics;

/// <summary>The meter and activity source shared by every provider. Static because providers exist before DI.</summary>
internal static class SecretRotationTelemetry
{
    public const string SourceTag = "secretrotation.source";

    private static readonly ConcurrentDictionary<SecretConfigurationProvider, byte> LiveProviders = new();

    public static readonly ActivitySource ActivitySource = new(SecretRotationDiagnostics.ActivitySourceName);

    public static readonly Meter Meter = new(SecretRotationDiagnostics.MeterName);

    public static readonly Counter<long> Refreshes = Meter.CreateCounter<long>(
        "secretrotation.refreshes", "{refresh}", "Reads of a secret source, successful or not.");

    public static readonly Counter<long> RefreshFailures = Meter.CreateCounter<long>(
        "secretrotation.refresh.failures", "{refresh}", "Reads of a secret source that failed; the last good data was kept.");

    public static readonly Counter<long> ChangedKeys = Meter.CreateCounter<long>(
        "secretrotation.changed_keys", "{key}", "Configuration keys added, removed or changed by a refresh.");

    public static readonly Histogram<double> RefreshDuration = Meter.CreateHistogram<double>(
        "secretrotation.refresh.duration", "s", "How long a read of a secret source took.");

    public static readonly ObservableGauge<double> SecondsSinceLastSuccess = Meter.CreateObservableGauge(
        "secretrotation.seconds_since_last_success", ObserveStaleness, "s", "Seconds since each source was last read successfully.");

    public static void Track(SecretConfigurationProvider provider) => LiveProviders.TryAdd(provider, 0);

    public static void Untrack(SecretConfigurationProvider provider) => LiveProviders.TryRemove(provider, out _);

    private static IEnumerable<Measurement<double>> ObserveStaleness()
    {
        foreach (var provider in LiveProviders.Keys)
        {
            if (provider.SecondsSinceLastSuccess() is { } seconds)
            {
                yield return new Measurement<double>(seconds, new KeyValuePair<string, object?>(SourceTag, provider.SourceName));
            }
        }
    }
}
