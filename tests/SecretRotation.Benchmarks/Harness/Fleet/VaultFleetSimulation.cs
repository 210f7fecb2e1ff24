using Microsoft.Extensions.Configuration;
using SecretRotation.Engine;
using SecretRotation.Testing;

namespace SecretRotation.Benchmarks.Harness.Fleet;

/// <summary>
/// N replicas in one process on one fake clock (<see cref="SimulationClock"/>), against one Vault emulator. Each replica has its own
/// <see cref="HashiCorpVaultSource"/> at its defaults (its own VaultClient, Kubernetes-auth login, KV v2 polled through
/// metadata, a database credential whose lease it renews), provider and <see cref="IConfigurationRoot"/>. The clients share
/// the emulator's in-memory handler (no sockets) behind one traffic counter. The clock moves in steps; after each step the
/// simulation waits until every replica is idle.
/// </summary>
internal sealed class VaultFleetSimulation : IAsyncDisposable
{
    public const int Paths = 10;

    public const string Role = "app";

    /// <summary>The key the write scenario tracks: field <c>password</c> of <c>secret/app/s00</c>.</summary>
    public const string TrackedKey = "S00:password";

    public const string TrackedPath = "secret/app/s00";

    public static readonly TimeSpan TokenTtl = TimeSpan.FromHours(1);

    public static readonly TimeSpan LeaseTtl = TimeSpan.FromHours(1);

    /// <summary>How many start-ups (blocking Build calls) run at once; the clock stands still while they run, so this only bounds threads.</summary>
    public static readonly int ConcurrentStarts = Environment.ProcessorCount * 4;

    private readonly SemaphoreSlim _starting = new(ConcurrentStarts);
    private readonly string _jwtFile;
    private readonly Random _random;

    private VaultFleetSimulation(VaultEmulator vault, SimulationClock clock, VaultFleetTraffic traffic, string jwtFile, int seed)
    {
        Vault = vault;
        Clock = clock;
        Traffic = traffic;
        _jwtFile = jwtFile;
        _random = new Random(seed);
    }

    public SimulationClock Clock { get; }

    public VaultFleetTraffic Traffic { get; }

    public VaultEmulator Vault { get; }

    public List<VaultFleetReplica> Replicas { get; } = [];

    public double Now => Traffic.Elapsed.TotalSeconds;

    /// <summary>The sources' <c>FleetSpread</c> (zero: the default).</summary>
    public TimeSpan FleetSpread { get; init; }

    public static async Task<VaultFleetSimulation> StartAsync(int seed, TimeSpan fleetSpread = default)
    {
        var clock = new SimulationClock(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));
        var vault = await VaultEmulator.StartAsync(new VaultEmulatorOptions { TimeProvider = clock });
        for (var i = 0; i < Paths; i++)
        {
            vault.WriteKv($"secret/app/s{i:D2}", new Dictionary<string, object?> { ["password"] = $"value-{i}" });
        }

        // One service-account JWT for every pod (the role accepts exactly it); tokens of 1 h, renewable up to Vault's 768 h.
        var jwtFile = Path.Combine(Path.GetTempPath(), $"vault-fleet-{Environment.ProcessId}-{seed}.jwt");
        await File.WriteAllTextAsync(jwtFile, "fleet-service-account-jwt");
        vault.SetPolicy(Role, "secret/*", "database/creds/app");
        vault.AddKubernetesRole(Role, "fleet-service-account-jwt", TokenTtl, TimeSpan.Zero, [Role]);
        vault.AddDatabaseRole(Role, LeaseTtl, TimeSpan.Zero);

        clock.Advance(TimeSpan.FromMinutes(1));
        return new VaultFleetSimulation(vault, clock, new VaultFleetTraffic(clock, vault.CreateInMemoryHandler()), jwtFile, seed) { FleetSpread = fleetSpread };
    }

    public VaultFleetReplica AddReplica(double startAt)
    {
        var replica = new VaultFleetReplica(Replicas.Count) { StartAt = startAt };
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

        // The emulator's request log is not needed (the traffic handler counts): keep memory flat over millions of requests.
        Vault.ClearRequests();
    }

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

    /// <summary>Marks replicas that now serve <paramref name="value"/> for the tracked key.</summary>
    public void TrackFreshness(string value)
    {
        var now = Now;
        foreach (var replica in Replicas)
        {
            if (replica.FreshAt is null && replica.Provider is { } provider && provider.TryGet(TrackedKey, out var served) && served == value)
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

        Traffic.Dispose();
        _starting.Dispose();
        await Vault.DisposeAsync();
        File.Delete(_jwtFile);
    }

    private void Start(VaultFleetReplica replica)
    {
        var random = new Random(_random.Next());
        var source = new HashiCorpVaultSource
        {
            Address = Vault.Address,
            HttpMessageHandler = new VaultFleetSharedHandler(Traffic),
            TimeProvider = Clock,
            Randomizer = random.NextDouble,
            FleetSpread = FleetSpread,
        };
        source.UseKubernetesAuth(Role, jwtPath: _jwtFile);
        for (var i = 0; i < Paths; i++)
        {
            source.Map($"secret/app/s{i:D2}", $"S{i:D2}");
        }

        source.Map("database/creds/app", "Db");
        var provider = (SecretConfigurationProvider)source.Build(new ConfigurationBuilder());
        replica.Provider = provider;
        replica.Starting = Task.Run(async () =>
        {
            // Build() blocks a pool thread until the first read ends: a few at a time, not a wave's thousands at once.
            await _starting.WaitAsync();
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
            finally
            {
                _starting.Release();
            }
        });
    }

    private async Task QuiesceAsync()
    {
        foreach (var replica in Replicas)
        {
            while (true)
            {
                // A finished start-up may have queued the provider's next read: look again until the replica is idle.
                var busy = replica.Starting is { IsCompleted: false } starting ? starting : replica.Provider?.WhenIdleAsync() ?? Task.CompletedTask;
                if (busy.IsCompleted)
                {
                    break;
                }

                await busy.WaitAsync(TimeSpan.FromMinutes(2));
            }
        }
    }
}
