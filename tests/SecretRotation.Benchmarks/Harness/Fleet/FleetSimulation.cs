using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using SecretRotation.Engine;
using SecretRotation.Testing;

namespace SecretRotation.Benchmarks.Harness.Fleet;

/// <summary>
/// N replicas in one process on one fake clock, against one Key Vault emulator that enforces the published limit. Each replica
/// has its own <see cref="SecretClient"/> (the real SDK pipeline: challenge auth, retry policy on the fake clock), its own
/// <c>AzureKeyVaultSecretsSource</c>, provider and <see cref="IConfigurationRoot"/>. The clients share one
/// <see cref="HttpClientTransport"/> over the emulator's in-memory handler (no sockets). The clock moves in steps; after each
/// step the simulation waits until every replica whose timer fired (or that was told something) is idle again (waiting on
/// its timer) or parked in an SDK retry wait.
/// </summary>
internal sealed class FleetSimulation : IAsyncDisposable
{
    public const string TrackedSecret = "s00";

    private readonly KeyVaultEmulator _vault;
    private readonly HttpClientTransport _transport;
    private readonly int? _expectedReplicas;
    private readonly Random _random;

    // Replicas that may have work besides those whose timers fired: started this step, or handed a notice or a health report.
    private readonly HashSet<FleetReplica> _mayBeBusy = [];

    private FleetSimulation(KeyVaultEmulator vault, SimulationClock clock, VaultTraffic traffic, int? expectedReplicas, int seed)
    {
        _vault = vault;
        Clock = clock;
        Traffic = traffic;
        _transport = new HttpClientTransport(traffic);
        _expectedReplicas = expectedReplicas;
        _random = new Random(seed);
    }

    public SimulationClock Clock { get; }

    public VaultTraffic Traffic { get; }

    public List<FleetReplica> Replicas { get; } = [];

    public KeyVaultEmulator Vault => _vault;

    public double Now => Traffic.Elapsed.TotalSeconds;

    public static async Task<FleetSimulation> StartAsync(int secrets, int? expectedReplicas, int seed)
    {
        var clock = new SimulationClock(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));
        var vault = await KeyVaultEmulator.StartAsync(new KeyVaultEmulatorOptions
        {
            TimeProvider = clock,
            TransactionLimit = KeyVaultEmulatorOptions.PublishedTransactionLimit,
        });
        for (var i = 0; i < secrets; i++)
        {
            vault.SetSecret($"s{i:D2}", $"value-{i}");
        }

        // The secrets exist well before the pods start (a secret read in the second it was written gets one safety re-read).
        clock.Advance(TimeSpan.FromMinutes(1));
        return new FleetSimulation(vault, clock, new VaultTraffic(clock, vault.CreateInMemoryHandler()), expectedReplicas, seed);
    }

    public FleetReplica AddReplica(double startAt)
    {
        var replica = new FleetReplica(Replicas.Count, Clock) { StartAt = startAt };
        Replicas.Add(replica);
        return replica;
    }

    /// <summary>Moves the clock by <paramref name="step"/>, starts the containers due, and waits until the fleet is quiet.</summary>
    public async Task StepAsync(TimeSpan step)
    {
        Clock.Advance(step);
        var now = Now;
        foreach (var replica in Replicas)
        {
            if (replica.StartAt is { } at && at <= now + 1e-9)
            {
                replica.StartAt = null;
                Start(replica);
            }
        }

        await QuiesceAsync();
    }

    /// <summary>Steps to the next whole 10 s of the clock (the traffic counter's windows), in steps of at most a second.</summary>
    public async Task AlignToWindowAsync()
    {
        var ticks = Traffic.Elapsed.Ticks % (10 * TimeSpan.TicksPerSecond);
        var rest = ticks == 0 ? 0 : (10 * TimeSpan.TicksPerSecond) - ticks;
        while (rest > 0)
        {
            var step = Math.Min(rest, TimeSpan.TicksPerSecond);
            await StepAsync(TimeSpan.FromTicks(step));
            rest -= step;
        }
    }

    /// <summary>Tells the simulation that every replica was handed work outside its timers (a notice, a health report).</summary>
    public void EveryoneMayBeBusy() => _mayBeBusy.UnionWith(Replicas);

    /// <summary>Steps until <paramref name="done"/> or <paramref name="limit"/> seconds have passed.</summary>
    public async Task RunAsync(TimeSpan step, double limit, Func<bool>? done = null, Action? eachStep = null)
    {
        var until = Now + limit;
        while (Now < until - 1e-9 && !(done?.Invoke() ?? false))
        {
            await StepAsync(step);
            eachStep?.Invoke();
        }
    }

    /// <summary>Marks replicas that now serve <paramref name="value"/> for the tracked secret.</summary>
    public void TrackFreshness(string value)
    {
        var now = Now;
        foreach (var replica in Replicas)
        {
            if (replica.FreshAt is null && replica.Provider is { } provider && provider.TryGet(TrackedSecret, out var served) && served == value)
            {
                replica.FreshAt = now;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in Replicas)
        {
            replica.Provider?.Dispose();
        }

        _transport.Dispose();
        await _vault.DisposeAsync();
    }

    private void Start(FleetReplica replica)
    {
        _mayBeBusy.Add(replica);
        var options = new SecretClientOptions
        {
            Transport = _transport,
            RetryPolicy = replica.Retry,
            DisableChallengeResourceVerification = true,
        };
        options.Diagnostics.IsLoggingEnabled = false;
        options.Diagnostics.IsDistributedTracingEnabled = false;
        var client = new SecretClient(_vault.VaultUri, _vault.Credential, options);
        var random = new Random(_random.Next());
        var source = new AzureKeyVaultSecretsSource
        {
            Client = client,
            TimeProvider = replica.Time,
            ExpectedReplicas = _expectedReplicas,
            Randomizer = random.NextDouble,
        };
        var provider = (SecretConfigurationProvider)source.Build(new ConfigurationBuilder());
        replica.Provider = provider;
        replica.Starting = Task.Run(() =>
        {
            try
            {
                replica.Root = new ConfigurationRoot([provider]);
            }
            catch (SecretSourceException)
            {
                // The container exits; the kubelet restarts it after its crash-loop back-off (10 s, doubling, at most 5 min).
                provider.Dispose();
                replica.Provider = null;
                replica.FailedStarts++;
                replica.StartAt = Now + Math.Min(10 * Math.Pow(2, replica.FailedStarts - 1), 300);
            }
        });
    }


    private async Task QuiesceAsync()
    {
        _mayBeBusy.UnionWith(Clock.TakeWoken().Cast<FleetReplica>());
        _mayBeBusy.UnionWith(Replicas.Where(r => r.Starting is { IsCompleted: false }));
        var candidates = _mayBeBusy.OrderBy(r => r.Index).ToArray();
        _mayBeBusy.Clear();
        foreach (var replica in candidates)
        {
            for (var round = 0; round < 1_000_000; round++)
            {
                if (replica.Retry.IsParked)
                {
                    break;
                }

                // A starting replica is quiet once its first read is parked in the start-up throttle wait (the provider's
                // WhenIdleAsync completes then, or when Load ends), or once the start-up has ended.
                var busy = replica.Starting is { IsCompleted: false } starting
                    ? (replica.Provider?.WhenIdleAsync() is { } parked ? Task.WhenAny(starting, parked) : starting)
                    : replica.Provider?.WhenIdleAsync() ?? Task.CompletedTask;
                if (busy.IsCompleted)
                {
                    break;
                }

                await Task.WhenAny(busy, replica.Retry.WhenParked()).WaitAsync(TimeSpan.FromMinutes(2));
            }
        }
    }
}
