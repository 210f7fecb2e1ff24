using Microsoft.Extensions.Time.Testing;

namespace SecretRotation.Benchmarks.Harness.Mirror;

/// <summary>One fake clock for both emulators (<see cref="Fake"/>) and the mirror (<see cref="Recording"/>, which notes the poll timers).</summary>
internal sealed class FakeClock
{
    public FakeClock()
    {
        Fake = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        Recording = new RecordingTimeProvider(Fake);
    }

    public FakeTimeProvider Fake { get; }

    public RecordingTimeProvider Recording { get; }
}
