using System.Diagnostics.Metrics;

namespace SecretRotation.Diagnostics;

/// <summary>Rotating clients' instruments, on the shared meter. Tagged by client type and section, never values.</summary>
internal static class RotatingClientTelemetry
{
    public const string ClientTag = "secretrotation.client";

    public const string SectionTag = "secretrotation.client.section";

    public static readonly Counter<long> Rebuilds = SecretRotationTelemetry.Meter.CreateCounter<long>(
        "secretrotation.client.rebuilds", "{rebuild}", "Rotating clients rebuilt because the configuration they depend on changed.");

    public static readonly Counter<long> RebuildFailures = SecretRotationTelemetry.Meter.CreateCounter<long>(
        "secretrotation.client.rebuild.failures", "{rebuild}", "Rebuilds whose factory threw; the previous client was kept.");

    public static readonly Counter<long> Drains = SecretRotationTelemetry.Meter.CreateCounter<long>(
        "secretrotation.client.drains", "{instance}", "Replaced client instances disposed after their last lease ended.");

    public static readonly Counter<long> ForcedDisposals = SecretRotationTelemetry.Meter.CreateCounter<long>(
        "secretrotation.client.forced_disposals", "{instance}", "Replaced client instances disposed at the drain timeout while leases still held them.");
}
