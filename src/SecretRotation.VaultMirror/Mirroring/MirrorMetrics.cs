using System.Diagnostics.Metrics;

namespace SecretRotation.VaultMirror.Mirroring;

/// <summary>The meter <c>SecretRotation.VaultMirror</c>: secrets mirrored, repaired, skipped, failed, removed, and the mirror lag.</summary>
public sealed class MirrorMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "SecretRotation.VaultMirror";

    private readonly Counter<long> _mirrored;
    private readonly Counter<long> _skipped;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _removed;
    private readonly Counter<long> _repaired;
    private readonly Histogram<double> _lag;

    /// <summary>Creates the meter and its instruments from <paramref name="meterFactory"/>.</summary>
    /// <param name="meterFactory">The host's meter factory.</param>
    public MirrorMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _mirrored = meter.CreateCounter<long>("vault_mirror.secrets.mirrored", "{secret}", "Secrets written to Vault as a new version because Key Vault changed.");
        _skipped = meter.CreateCounter<long>("vault_mirror.secrets.skipped", "{secret}", "Secrets already up to date in Vault (or inactive and kept).");
        _failed = meter.CreateCounter<long>("vault_mirror.secrets.failed", "{secret}", "Secrets not mirrored because of an error or a check-and-set conflict.");
        _removed = meter.CreateCounter<long>("vault_mirror.secrets.removed", "{secret}", "Vault copies soft-deleted by the Delete policy.");
        _repaired = meter.CreateCounter<long>("vault_mirror.secrets.repaired", "{secret}", "Vault copies changed by someone else (not the mirror's version) and written back from Key Vault.");
        _lag = meter.CreateHistogram<double>("vault_mirror.lag", "s", "Seconds from the Key Vault version's update to its Vault write.");
    }

    internal void Count(MirrorOutcome outcome)
    {
        switch (outcome)
        {
            case MirrorOutcome.Mirrored:
                _mirrored.Add(1);
                break;
            case MirrorOutcome.Skipped or MirrorOutcome.Inactive:
                _skipped.Add(1);
                break;
            case MirrorOutcome.Removed:
                _removed.Add(1);
                break;
            case MirrorOutcome.Repaired:
                _repaired.Add(1);
                break;
            case MirrorOutcome.Failed or MirrorOutcome.Conflict:
                _failed.Add(1);
                break;
            default:
                break;
        }
    }

    internal void RecordLag(TimeSpan lag) => _lag.Record(Math.Max(0, lag.TotalSeconds));
}
