using Microsoft.Extensions.Configuration;
using SecretRotation.Engine;

namespace SecretRotation.Benchmarks.Harness.Fleet;

/// <summary>One simulated pod on Vault: its own HashiCorpVaultSource (own VaultClient, own Kubernetes-auth token and lease), provider and IConfigurationRoot.</summary>
internal sealed class VaultFleetReplica(int index)
{
    public int Index { get; } = index;

    public SecretConfigurationProvider? Provider { get; set; }

    public IConfigurationRoot? Root { get; set; }

    /// <summary>The start-up in progress (Build's synchronous first read), if any.</summary>
    public Task? Starting { get; set; }

    /// <summary>Start-ups that threw (the container exits and is restarted).</summary>
    public int FailedStarts { get; set; }

    /// <summary>When the kubelet starts the container (again), in seconds of simulated time, or null.</summary>
    public double? StartAt { get; set; }

    /// <summary>When the replica first served the value being tracked, in seconds of simulated time.</summary>
    public double? FreshAt { get; set; }

    public bool IsReady => Root is not null;
}
