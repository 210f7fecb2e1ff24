namespace SecretRotation;

/// <summary>Names to subscribe to for SecretRotation's metrics and traces.</summary>
/// <remarks>
/// Instruments on the meter: <c>secretrotation.refreshes</c>, <c>secretrotation.refresh.failures</c>,
/// <c>secretrotation.changed_keys</c>, <c>secretrotation.refresh.duration</c> (seconds) and
/// <c>secretrotation.seconds_since_last_success</c>, each tagged with <c>secretrotation.source</c>; and for clients registered
/// with <c>AddRotatingClient</c>, <c>secretrotation.client.rebuilds</c>, <c>secretrotation.client.rebuild.failures</c>,
/// <c>secretrotation.client.drains</c> and <c>secretrotation.client.forced_disposals</c>, each tagged with
/// <c>secretrotation.client</c> (the client type's name) and <c>secretrotation.client.section</c>.
/// </remarks>
public static class SecretRotationDiagnostics
{
    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name: <c>SecretRotation</c>.</summary>
    public const string MeterName = "SecretRotation";

    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> name: <c>SecretRotation</c>.</summary>
    public const string ActivitySourceName = "SecretRotation";
}
