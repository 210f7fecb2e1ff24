namespace SecretRotation;

/// <summary>
/// The status of every rotating client built so far, for health checks (<c>AddHealthChecks().AddSecretRotation()</c>
/// reports Degraded while a rebuild keeps failing). Registered by <c>services.AddRotatingClient&lt;TClient&gt;(...)</c>.
/// </summary>
public interface IRotatingClientHealth
{
    /// <summary>A snapshot of each rotating client's status.</summary>
    IReadOnlyList<RotatingClientStatus> GetStatuses();
}
