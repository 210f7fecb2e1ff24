using System.Diagnostics;
using SecretRotation.Diagnostics;

namespace SecretRotation.Engine;

/// <summary>
/// The trace and metrics of one refresh: starts the <c>SecretRotation.Refresh</c> activity, and on dispose counts the
/// refresh and records its duration. Never records a value: only the source name, triggers, counts and error messages.
/// </summary>
/// <remarks>No lock: one instance per refresh, used by the loop that runs it.</remarks>
internal sealed class RefreshRecording : IDisposable
{
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly KeyValuePair<string, object?> _sourceTag;
    private readonly Activity? _activity;

    public RefreshRecording(string sourceName, RefreshTriggers triggers, TimeProvider time)
    {
        _time = time;
        _started = time.GetTimestamp();
        _sourceTag = new KeyValuePair<string, object?>(SecretRotationTelemetry.SourceTag, sourceName);
        _activity = SecretRotationTelemetry.ActivitySource.StartActivity("SecretRotation.Refresh");
        _activity?.SetTag(SecretRotationTelemetry.SourceTag, sourceName);
        _activity?.SetTag("secretrotation.triggers", triggers.ToString());
    }

    public void Succeeded(int changedKeys) => _activity?.SetTag("secretrotation.changed_keys", changedKeys);

    public void Failed(SecretSourceException exception)
    {
        _activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        SecretRotationTelemetry.RefreshFailures.Add(1, _sourceTag);
    }

    public void Dispose()
    {
        SecretRotationTelemetry.Refreshes.Add(1, _sourceTag);
        SecretRotationTelemetry.RefreshDuration.Record(_time.GetElapsedTime(_started).TotalSeconds, _sourceTag);
        _activity?.Dispose();
    }
}
