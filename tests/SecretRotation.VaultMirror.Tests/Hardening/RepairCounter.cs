using System.Diagnostics.Metrics;

namespace SecretRotation.VaultMirror.Tests.Hardening;

/// <summary>Sums <c>vault_mirror.secrets.repaired</c> of one harness's meters.</summary>
internal sealed class RepairCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public static RepairCounter Listen(MirrorHarness harness)
    {
        var counter = new RepairCounter();
        counter._listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == harness.MeterFactory && instrument.Name == "vault_mirror.secrets.repaired")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        counter._listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref counter._total, value));
        counter._listener.Start();
        return counter;
    }

    public void Dispose() => _listener.Dispose();
}
