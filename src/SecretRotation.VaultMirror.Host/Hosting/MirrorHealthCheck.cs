using Microsoft.Extensions.Diagnostics.HealthChecks;
using SecretRotation.VaultMirror.Configuration;
using SecretRotation.VaultMirror.Mirroring;

namespace SecretRotation.VaultMirror.Hosting;

/// <summary>
/// Healthy after a good pass; degraded (still 200, so an outage of Key Vault or Vault does not restart the pod) while passes fail;
/// unhealthy when no pass has succeeded for three poll intervals since the first one.
/// </summary>
internal sealed class MirrorHealthCheck(MirrorStatus status, MirrorOptions options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (status.LastPassAt is null)
        {
            return Task.FromResult(HealthCheckResult.Healthy("starting: no pass has ended yet"));
        }

        if (status.ConsecutiveFailures == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"last pass succeeded at {status.LastSuccessAt:O}"));
        }

        var since = status.LastSuccessAt ?? DateTimeOffset.MinValue;
        var stale = time.GetUtcNow() - since > options.PollInterval * 3;
        var description = $"{status.ConsecutiveFailures} failed pass(es) in a row; last success {(status.LastSuccessAt is { } s ? s.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : "never")}";
        return Task.FromResult(stale && status.ConsecutiveFailures >= 3 ? HealthCheckResult.Unhealthy(description) : HealthCheckResult.Degraded(description));
    }
}
