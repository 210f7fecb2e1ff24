using BenchmarkDotNet.Running;
using SecretRotation.Benchmarks.Harness;
using SecretRotation.Benchmarks.Harness.Mirror;
using SecretRotation.Benchmarks.Harness.PostgresRotation;
using SecretRotation.Benchmarks.Harness.TlsRotation;
using SecretRotation.Benchmarks.Infrastructure;

namespace SecretRotation.Benchmarks;

/// <summary>
/// <c>rotation-latency [--swaps N]</c>, <c>noop-triggers [--count N]</c>, <c>key-vault</c>, <c>vault</c>, <c>events</c>,
/// <c>push-amplification</c>, <c>mirror</c>, <c>expiry-memory [--reloads N]</c>, <c>idle-cost [--seconds N] [--files N]</c>, <c>all</c> (the eight harnesses), or
/// <c>bench [BenchmarkDotNet arguments]</c>.
/// </summary>
public static class Program
{
    private const string Usage = """
        Usage: dotnet run -c Release --project tests/SecretRotation.Benchmarks -- <command>
          rotation-latency [--swaps N]   kubelet swap -> IOptionsMonitor.OnChange latency, AddMountedSecrets vs AddKeyPerFile (default 200 swaps)
          noop-triggers [--count N]      reload-token firings over N no-op triggers (default 1000; target 0)
          key-vault                      Azure Key Vault source against the emulator: initial load parallel vs sequential (target >= 8x),
                                         requests per poll cycle (targets 4 with no change, 5 with one), requests per pod-hour
          vault                          HashiCorp Vault source against the emulator over simulated pod-hours: 10 KV v2 paths
                                         (<= 10 metadata reads per poll + 1 data read per change), a dynamic database credential
                                         (1 read per lease period + renewals), Kubernetes-auth token renewals
          events                         Event Grid push to MapSecretRotationEvents on Kestrel, Key Vault emulator behind it:
                                         POST -> IOptionsMonitor.OnChange latency over 200 rotations (target p99 <= 25 ms) next to
                                         the 5-min poll's wait, and a burst of 1,000 events for 10 secrets (target <= 10 GETs)
          push-amplification             SecretNewVersionCreated events for secrets the app does not hold (10 POSTs of 1,000), whole-vault
                                         and prefix mode: Key Vault requests and managed bytes kept per 1,000 (targets: whole vault
                                         <= 2 List pages + 0 GETs in all, prefix 0 requests)
          mirror                         Vault Mirror service over both emulators: Key Vault write -> new Vault version with Event Grid push
                                         (100 rotations) and with the 5-min poll (computed, confirmed on a fake clock), requests per
                                         mirrored rotation and per quiet poll for 30 secrets (no targets; sanity checks only)
          rotation-under-load-postgres [--rotations N] [--restarts N] [--seconds N]
                                         PostgreSQL (a cluster of its own, initdb): 8 workers querying a rotating NpgsqlDataSource, steady
                                         vs N rotations (default 100) per pattern (volume, two users via Key Vault, Vault dynamic
                                         credentials) vs app restarts (default 20): throughput, p50/p99, failed queries, restart downtime
          expiry-memory [--reloads N]    managed heap before/after N reloads (default 10,000) of 20 secrets near expiry, new versions
                                         each time (target: flat within 1 MiB)
          rotation-under-load [--rotations N] [--restarts N] [--workers N] [--seconds N]
                                         Kestrel TLS: HTTPS load (8 workers, new handshakes) steady, during N certificate rotations through
                                         the Key Vault emulator (default 100), and during host restarts (the old strategy, default 20):
                                         throughput, p50/p99, failed requests, restart downtime (targets: 0 failed, p99 <= 2x steady)
          all                            rotation-latency, noop-triggers, key-vault, vault, events, push-amplification, mirror and
                                         expiry-memory, with their defaults
          idle-cost [--seconds N] [--files N]
                                         file-system calls per minute of an idle watched volume (default 100 files, 60 s), counted
                                         with strace for AddMountedSecrets, AddKeyPerFile and no source (target <= 35/min, issue 12)
          kubernetes [--updates N]       AddKubernetesSecrets over the Kubernetes API emulator: update Secret -> IOptionsMonitor.OnChange over N
                                         updates (default 200; target p99 <= 50 ms), idle requests per pod-hour, the kubelet path's documented delay
          fleet [--replicas N] [--hinted-only]  fleet simulation on one Key Vault with the published limit (4,000 per 10 s -> 429): N replicas (default
                                         1,000 with and without ExpectedReplicas, 10,000 with it), in-memory transport, fake clock; rollout,
                                         steady state, pushed rotation, outage; without --replicas also fleet-vault --renewals
          fleet-vault [--replicas N] [--renewals] [--fleet-spread]  N replicas of the Vault source on one Vault emulator (default 1,000 and 10,000),
                                         in-memory transport, fake clock: rollout, steady state, one KV write, with --renewals the first
                                         token and lease renewals, with --fleet-spread FleetSpread = N / 360 s; Vault Agent per pod computed beside it
          bench [BenchmarkDotNet args]   BenchmarkDotNet, e.g. bench --job short (all benchmarks unless --filter is given)
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var rest = args[1..];
        try
        {
            switch (args[0])
            {
                case "rotation-latency":
                    return await RotationLatencyHarness.RunAsync(
                        HarnessArguments.PositiveInt(rest, "--swaps", RotationLatencyHarness.DefaultSwaps), Console.Out);
                case "noop-triggers":
                    return await NoopTriggerHarness.RunAsync(
                        HarnessArguments.PositiveInt(rest, "--count", NoopTriggerHarness.DefaultCount), Console.Out);
                case "key-vault":
                    return await KeyVaultHarness.RunAsync(Console.Out);
                case "vault":
                    return await HashiCorpVaultHarness.RunAsync(Console.Out);
                case "events":
                    return await EventsHarness.RunAsync(Console.Out);
                case "mirror":
                    return await MirrorHarness.RunAsync(Console.Out);
                case "push-amplification":
                    return await PushAmplificationHarness.RunAsync(Console.Out);
                case "rotation-under-load-postgres":
                    return await PostgresRotationUnderLoadHarness.RunAsync(
                        HarnessArguments.PositiveInt(rest, "--rotations", PostgresRotationUnderLoadHarness.DefaultRotations),
                        HarnessArguments.PositiveInt(rest, "--restarts", PostgresRotationUnderLoadHarness.DefaultRestarts),
                        HarnessArguments.PositiveInt(rest, "--seconds", PostgresRotationUnderLoadHarness.DefaultSeconds),
                        Console.Out);
                case "expiry-memory":
                    return await ExpiryMemoryHarness.RunAsync(
                        HarnessArguments.PositiveInt(rest, "--reloads", ExpiryMemoryHarness.DefaultReloads), Console.Out);
                case "rotation-under-load":
                    return await TlsRotationUnderLoadHarness.RunAsync(
                        HarnessArguments.PositiveInt(rest, "--rotations", TlsRotationUnderLoadHarness.DefaultRotations),
                        HarnessArguments.PositiveInt(rest, "--restarts", TlsRotationUnderLoadHarness.DefaultRestarts),
                        HarnessArguments.PositiveInt(rest, "--workers", TlsRotationUnderLoadHarness.DefaultWorkers),
                        HarnessArguments.PositiveInt(rest, "--seconds", TlsRotationUnderLoadHarness.DefaultSeconds),
                        Console.Out);
                case "kubernetes":
                    return await KubernetesWatchHarness.RunAsync(
                        HarnessArguments.PositiveInt(rest, "--updates", KubernetesWatchHarness.DefaultUpdates), Console.Out);
                case "all":
                    var latency = await RotationLatencyHarness.RunAsync(RotationLatencyHarness.DefaultSwaps, Console.Out);
                    Console.Out.WriteLine();
                    var noop = await NoopTriggerHarness.RunAsync(NoopTriggerHarness.DefaultCount, Console.Out);
                    Console.Out.WriteLine();
                    var keyVault = await KeyVaultHarness.RunAsync(Console.Out);
                    Console.Out.WriteLine();
                    var vault = await HashiCorpVaultHarness.RunAsync(Console.Out);
                    Console.Out.WriteLine();
                    var events = await EventsHarness.RunAsync(Console.Out);
                    Console.Out.WriteLine();
                    var amplification = await PushAmplificationHarness.RunAsync(Console.Out);
                    Console.Out.WriteLine();
                    var mirror = await MirrorHarness.RunAsync(Console.Out);
                    Console.Out.WriteLine();
                    var expiryMemory = await ExpiryMemoryHarness.RunAsync(ExpiryMemoryHarness.DefaultReloads, Console.Out);
                    return new[] { latency, noop, keyVault, vault, events, amplification, mirror, expiryMemory }.Max();
                case "idle-cost":
                    return await IdleCostHarness.RunAsync(
                        HarnessArguments.PositiveInt(rest, "--seconds", IdleCostHarness.DefaultSeconds),
                        HarnessArguments.PositiveInt(rest, "--files", IdleCostHarness.DefaultFiles),
                        Console.Out);
                case "idle-cost-child" when rest.Length > 0:
                    return await IdleCostHarness.RunChildAsync(
                        rest[0],
                        HarnessArguments.PositiveInt(rest, "--seconds", IdleCostHarness.DefaultSeconds),
                        HarnessArguments.PositiveInt(rest, "--files", IdleCostHarness.DefaultFiles),
                        Console.Out);
                case "fleet":
                {
                    var keyVaultFleet = await Harness.Fleet.FleetHarness.RunAsync(Console.Out,
                        rest.Contains("--replicas") ? [HarnessArguments.PositiveInt(rest, "--replicas", 1000)] : [1_000, 10_000], rest.Contains("--hinted-only"), defaultSizes: !rest.Contains("--replicas"));
                    if (rest.Contains("--replicas"))
                    {
                        return keyVaultFleet;
                    }

                    // The whole fleet run: the Vault fleet too, through the first token and lease renewals.
                    Console.WriteLine();
                    var vaultFleet = await Harness.Fleet.VaultFleetHarness.RunAsync(Console.Out, [1_000, 10_000], renewals: true);
                    return keyVaultFleet != 0 ? keyVaultFleet : vaultFleet;
                }

                case "fleet-vault":
                    // fleet-vault [--replicas N] [--renewals] [--fleet-spread]: one Vault, N replicas of the Vault source (default 1,000 and 10,000).
                    return await Harness.Fleet.VaultFleetHarness.RunAsync(Console.Out,
                        rest.Contains("--replicas") ? [HarnessArguments.PositiveInt(rest, "--replicas", 1000)] : [1_000, 10_000], rest.Contains("--renewals"), rest.Contains("--fleet-spread"));
                case "bench":
                    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(WithDefaultFilter(rest));
                    return 0;
                default:
                    Console.Error.WriteLine($"Unknown command '{args[0]}'.");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        catch (ArgumentException exception)
        {
            Console.Error.WriteLine(exception.Message);
            return 2;
        }
    }

    /// <summary>Without a filter BenchmarkSwitcher asks on the console which benchmarks to run; default to all of them.</summary>
    private static string[] WithDefaultFilter(string[] arguments)
    {
        var selects = arguments.Any(argument => argument is "--filter" or "-f" or "--list" or "--help" or "-h" or "--version");
        return selects ? arguments : [.. arguments, "--filter", "*"];
    }
}
