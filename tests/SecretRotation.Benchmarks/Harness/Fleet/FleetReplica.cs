using Microsoft.Extensions.Configuration;
using SecretRotation.Engine;

namespace SecretRotation.Benchmarks.Harness.Fleet;

/// <summary>One simulated pod: its own SecretClient (shared in-memory transport, own retry policy), source, provider and IConfigurationRoot.</summary>
internal sealed class FleetReplica
{
    public FleetReplica(int index, SimulationClock clock)
    {
        Index = index;
        Time = clock.ForOwner(this);
        Retry = new FakeClockRetryPolicy(Time);
    }

    public int Index { get; }

    /// <summary>The simulation's clock, as this replica sees it: its timers firing mark it as having work.</summary>
    public TimeProvider Time { get; }

    public FakeClockRetryPolicy Retry { get; }

    public SecretConfigurationProvider? Provider { get; set; }

    public IConfigurationRoot? Root { get; set; }

    /// <summary>The start-up in progress (Build's synchronous first read), if any.</summary>
    public Task? Starting { get; set; }

    /// <summary>Start-ups that threw (a required source that could not be read: the container exits and is restarted).</summary>
    public int FailedStarts { get; set; }

    /// <summary>When the kubelet starts the container (again), in seconds of simulated time, or null.</summary>
    public double? StartAt { get; set; }

    /// <summary>When the replica first served the value being tracked, in seconds of simulated time.</summary>
    public double? FreshAt { get; set; }

    public bool IsReady => Root is not null;
}
