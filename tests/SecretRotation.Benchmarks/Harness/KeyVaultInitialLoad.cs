using System.Diagnostics;
using System.Globalization;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// Times <c>ConfigurationBuilder.Build()</c> of a whole-vault Key Vault source over <see cref="KeyVaultHarness.SecretCount"/>
/// secrets with emulated latency, fetching in parallel (the default <see cref="AzureKeyVaultSecretsSource.MaxConcurrency"/>)
/// and one at a time (<c>MaxConcurrency = 1</c>), from three starting points: cold (as a pod starting), a new client on a
/// vault whose challenge is cached, and a warm client.
/// </summary>
internal static class KeyVaultInitialLoad
{
    public const int Repetitions = 5;

    private const int Sequential = 1;
    private const double SpeedupTarget = 8;

    /// <summary>Runs the three comparisons and prints them. Returns whether the cold speed-up meets the target.</summary>
    public static async Task<bool> RunAsync(TextWriter output)
    {
        var parallel = new AzureKeyVaultSecretsSource().MaxConcurrency;

        // Not measured: the first builds in the process JIT the SDK, the engine and the emulator.
        await using (var warmUp = await EmulatedVault.StartAsync(KeyVaultHarness.SecretCount, KeyVaultHarness.Latency))
        {
            await TimeBuildAsync(warmUp, warmUp.Emulator.CreateClient(), parallel);
            await TimeBuildAsync(warmUp, warmUp.Emulator.CreateClient(), Sequential);
        }

        // Cold: a new emulator (a new port, so nothing in the SDK's process-wide challenge cache) and a new client per
        // Build, as a pod starting up: the 401 challenge round trip and new TLS connections are included.
        var cold = await CompareAsync(
            "cold: new emulator + new client per Build (401 challenge and new TLS connections included)",
            parallel,
            async maxConcurrency =>
            {
                await using var vault = await EmulatedVault.StartAsync(KeyVaultHarness.SecretCount, KeyVaultHarness.Latency);
                return await TimeBuildAsync(vault, vault.Emulator.CreateClient(), maxConcurrency);
            });

        // New client: one emulator, whose challenge the SDK has cached after an unmeasured first build of each kind, and a
        // new client per Build: new TLS connections, no challenge.
        LoadComparison newClient;
        await using (var vault = await EmulatedVault.StartAsync(KeyVaultHarness.SecretCount, KeyVaultHarness.Latency))
        {
            await TimeBuildAsync(vault, vault.Emulator.CreateClient(), parallel);
            await TimeBuildAsync(vault, vault.Emulator.CreateClient(), Sequential);
            newClient = await CompareAsync(
                "new client: one emulator (challenge cached), new client per Build (new TLS connections included)",
                parallel,
                maxConcurrency => TimeBuildAsync(vault, vault.Emulator.CreateClient(), maxConcurrency));
        }

        // Warm: one emulator and one client for every Build (challenge cached, connections pooled) after an unmeasured
        // first build of each kind; each Build still makes a new configuration, and so a new reader with nothing loaded.
        LoadComparison warm;
        await using (var vault = await EmulatedVault.StartAsync(KeyVaultHarness.SecretCount, KeyVaultHarness.Latency))
        {
            var client = vault.Emulator.CreateClient();
            await TimeBuildAsync(vault, client, parallel);
            await TimeBuildAsync(vault, client, Sequential);
            warm = await CompareAsync(
                "warm: one emulator + one client (challenge cached, connections pooled)",
                parallel,
                maxConcurrency => TimeBuildAsync(vault, client, maxConcurrency));
        }

        output.WriteLine($"1. Initial load: Build() of a whole-vault source over {KeyVaultHarness.SecretCount} secrets, {KeyVaultHarness.Ms(KeyVaultHarness.Latency)} ms emulated latency per request;"
            + $" {Repetitions} repetitions of each (parallel and sequential alternating), after one unmeasured warm-up of each; a new configuration per Build."
            + " Build() runs on a thread of its own, as on an app's main thread.");
        output.WriteLine("   'latency floor' = requests that must follow one another x latency = (401 challenge + List pages + ceiling(Gets / MaxConcurrency)) x latency.");
        output.WriteLine();
        output.WriteLine("| Variant | MaxConcurrency | median ms | min ms | max ms | requests per Build (401 + List + Get) | latency floor ms |");
        output.WriteLine("|---|---:|---:|---:|---:|---|---:|");
        foreach (var comparison in new[] { cold, newClient, warm })
        {
            WriteRow(output, comparison.Variant, parallel, comparison.Parallel);
            WriteRow(output, comparison.Variant, Sequential, comparison.Sequential);
        }

        output.WriteLine();
        foreach (var comparison in new[] { cold, newClient, warm })
        {
            var name = comparison.Variant[..comparison.Variant.IndexOf(':', StringComparison.Ordinal)];
            WriteSamples(output, name, parallel, comparison.Parallel);
            WriteSamples(output, name, Sequential, comparison.Sequential);
        }

        output.WriteLine();
        output.WriteLine($"   speed-up, median sequential / median parallel (the latency floors allow):"
            + $" cold {Ratio(Speedup(cold))}x ({Ratio(FloorSpeedup(cold))}x), new client {Ratio(Speedup(newClient))}x ({Ratio(FloorSpeedup(newClient))}x),"
            + $" warm {Ratio(Speedup(warm))}x ({Ratio(FloorSpeedup(warm))}x)");
        output.WriteLine($"   differences of medians, parallel / sequential: cold - new client {Difference(cold, newClient)}; new client - warm {Difference(newClient, warm)}");

        var met = Speedup(cold) >= SpeedupTarget;
        output.WriteLine($"   target: parallel (MaxConcurrency {parallel}) >= {Ratio(SpeedupTarget)}x faster than sequential, cold figure: {Ratio(Speedup(cold))}x -> {KeyVaultHarness.PassFail(met)}");
        output.WriteLine($"   (for comparison only: new client {Ratio(Speedup(newClient))}x, warm {Ratio(Speedup(warm))}x)");
        return met;
    }

    /// <summary>Runs <see cref="Repetitions"/> parallel and sequential builds, alternating.</summary>
    private static async Task<LoadComparison> CompareAsync(string variant, int parallel, Func<int, Task<LoadSample>> timeBuild)
    {
        var comparison = new LoadComparison(variant, parallel, new List<LoadSample>(Repetitions), new List<LoadSample>(Repetitions));
        for (var repetition = 0; repetition < Repetitions; repetition++)
        {
            comparison.Parallel.Add(await timeBuild(parallel));
            comparison.Sequential.Add(await timeBuild(Sequential));
        }

        return comparison;
    }

    /// <summary>Times <c>Build()</c> alone (the builder is made first), checks every secret loaded and counts the requests sent.</summary>
    private static async Task<LoadSample> TimeBuildAsync(EmulatedVault vault, SecretClient client, int maxConcurrency)
    {
        var builder = vault.CreateBuilder(client, source => source.MaxConcurrency = maxConcurrency);
        vault.Emulator.ClearRequests();

        // Build() blocks its thread until the first read is done: give it a thread of its own rather than a pool thread.
        var (configuration, elapsed) = await Task.Factory.StartNew(
            () =>
            {
                var start = Stopwatch.GetTimestamp();
                var built = builder.Build();
                return (built, Stopwatch.GetElapsedTime(start));
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        var requests = vault.TakeRequests();
        using (configuration as IDisposable)
        {
            var loaded = configuration.AsEnumerable().Count(pair => pair.Value is not null);
            if (loaded != vault.SecretNames.Count)
            {
                throw new InvalidOperationException($"Build() loaded {loaded} values, not {vault.SecretNames.Count}.");
            }
        }

        return new LoadSample(elapsed.TotalMilliseconds, requests);
    }

    private static void WriteRow(TextWriter output, string variant, int maxConcurrency, List<LoadSample> samples)
    {
        var milliseconds = samples.Select(sample => sample.Milliseconds).ToArray();
        var requestShapes = samples
            .Select(sample => $"{sample.Requests.Challenges} + {sample.Requests.Lists} + {sample.Requests.Gets}"
                + (sample.Requests.Other > 0 ? $" (+{sample.Requests.Other} other)" : string.Empty))
            .Distinct(StringComparer.Ordinal);
        output.WriteLine($"| {variant} | {maxConcurrency} | {KeyVaultHarness.Ms(Median(samples))} | {KeyVaultHarness.Ms(milliseconds.Min())} | {KeyVaultHarness.Ms(milliseconds.Max())} "
            + $"| {string.Join("; ", requestShapes)} | {KeyVaultHarness.Ms(Floor(samples, maxConcurrency))} |");
    }

    private static void WriteSamples(TextWriter output, string variant, int maxConcurrency, List<LoadSample> samples) =>
        output.WriteLine($"   {variant}, MaxConcurrency {maxConcurrency}, ms in order: {string.Join(", ", samples.Select(sample => KeyVaultHarness.Ms(sample.Milliseconds)))}");

    private static double Speedup(LoadComparison comparison) => Median(comparison.Sequential) / Median(comparison.Parallel);

    private static double FloorSpeedup(LoadComparison comparison) =>
        Floor(comparison.Sequential, Sequential) / Floor(comparison.Parallel, comparison.ParallelConcurrency);

    private static string Difference(LoadComparison slower, LoadComparison faster) =>
        $"{Signed(Median(slower.Parallel) - Median(faster.Parallel))} / {Signed(Median(slower.Sequential) - Median(faster.Sequential))} ms";

    private static string Signed(double milliseconds) => (milliseconds >= 0 ? "+" : string.Empty) + KeyVaultHarness.Ms(milliseconds);

    /// <summary>The wall time latency alone imposes on the first sample's requests: those that must follow one another x latency.</summary>
    private static double Floor(List<LoadSample> samples, int maxConcurrency)
    {
        var requests = samples[0].Requests;
        var inSeries = requests.Challenges + requests.Lists + (int)Math.Ceiling(requests.Gets / (double)maxConcurrency);
        return inSeries * KeyVaultHarness.Latency.TotalMilliseconds;
    }

    /// <summary>The median (nearest rank; with an odd count, the middle value).</summary>
    private static double Median(List<LoadSample> samples) =>
        LatencySummary.From(samples.Select(sample => sample.Milliseconds).ToArray())?.P50 ?? double.NaN;

    private static string Ratio(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
