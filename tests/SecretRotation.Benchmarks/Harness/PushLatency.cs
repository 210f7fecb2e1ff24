using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// Part 1 of the events harness: rotations of <c>Db--Password</c>, each written to the emulator and then announced by one
/// POST of a <c>SecretNewVersionCreated</c> event (Event Grid schema, after one validation handshake), timed from just before
/// the POST to the <see cref="IOptionsMonitor{TOptions}.OnChange(Action{TOptions, string?})"/> callback carrying the new value.
/// </summary>
internal static class PushLatency
{
    public const int DefaultRotations = 200;

    public const string SecretName = "Db--Password";

    /// <summary>Unmeasured rotations first (JIT, Kestrel and SDK paths, connection pools).</summary>
    private const int WarmUpRotations = 10;

    private static readonly TimeSpan PerRotationTimeout = TimeSpan.FromSeconds(5);

    /// <param name="rotations">Rotations measured.</param>
    /// <param name="vaultLatency">Delay the emulator adds to every request once the app has loaded (zero: loopback only).</param>
    /// <param name="output">Where the progress lines go.</param>
    public static async Task<PushLatencyRun> RunAsync(int rotations, TimeSpan vaultLatency, TextWriter output)
    {
        await using var host = await PushHost.StartAsync(static vault =>
        {
            vault.SetSecret("Db--User", "app");
            vault.SetSecret(SecretName, "initial");
        });
        var monitor = host.App.Services.GetRequiredService<IOptionsMonitor<DbCredentials>>();
        if (monitor.CurrentValue.Password != "initial" || monitor.CurrentValue.User != "app")
        {
            throw new InvalidOperationException("The app did not bind the vault's initial values.");
        }

        var handshake = await host.Deliverer.HandshakeAsync();
        output.WriteLine($"   validation handshake (SubscriptionValidationEvent, once): HTTP {handshake.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}, "
            + (handshake.Succeeded ? "validationResponse echoed the code" : $"FAILED: {handshake.Failure}"));
        if (!handshake.Succeeded)
        {
            throw new InvalidOperationException($"The validation handshake failed: {handshake.Failure}");
        }

        host.Vault.Latency = vaultLatency;
        using var probe = new ChangeProbe(monitor);
        for (var i = 1; i <= WarmUpRotations; i++)
        {
            await RotateAsync(host, probe, $"warm-up-{i:D2}");
        }

        await host.WaitForGetsAsync(WarmUpRotations, PerRotationTimeout);
        var warmUpGets = host.Gets();
        var warmUpLists = host.Lists();
        output.WriteLine($"   {WarmUpRotations} warm-up rotations (not measured): {warmUpGets} GETs, {warmUpLists} Lists");

        using var reads = new RefreshRecorder(host.Provider.SourceName);
        var callbacksBefore = probe.Callbacks;
        var reloadsBefore = host.Reloads;
        var getsBefore = host.Gets();
        var listsBefore = host.Lists();
        var toOnChange = new List<double>(rotations);
        var roundTrips = new List<double>(rotations);
        var statuses = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var getsPerRotation = new List<int>(rotations);
        var listsPerRotation = new List<int>(rotations);
        var clock = Stopwatch.StartNew();
        for (var i = 1; i <= rotations; i++)
        {
            var gets = host.Gets();
            var lists = host.Lists();
            var rotation = await RotateAsync(host, probe, $"pushed-{i:D4}");
            statuses[rotation.Status] = statuses.GetValueOrDefault(rotation.Status) + 1;
            roundTrips.Add(rotation.RoundTripMs);
            if (rotation.ToOnChangeMs is { } latency)
            {
                toOnChange.Add(latency);
            }

            await host.WaitForGetsAsync(gets + 1, PerRotationTimeout);
            getsPerRotation.Add(host.Gets() - gets);
            listsPerRotation.Add(host.Lists() - lists);
        }

        var elapsed = clock.Elapsed;

        // Anything the emulator logged late would show here.
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        var run = new PushLatencyRun(
            rotations,
            toOnChange,
            roundTrips,
            statuses,
            getsPerRotation,
            listsPerRotation,
            host.Gets() - getsBefore,
            host.Lists() - listsBefore,
            probe.Callbacks - callbacksBefore,
            host.Reloads - reloadsBefore,
            reads.ByTriggers);
        output.WriteLine($"   {rotations} measured rotations in {elapsed.TotalSeconds:0.0} s");
        return run;
    }

    /// <summary>Writes <paramref name="password"/> as a new version, POSTs its event and waits for the OnChange callback carrying it.</summary>
    private static async Task<(string Status, double RoundTripMs, double? ToOnChangeMs)> RotateAsync(PushHost host, ChangeProbe probe, string password)
    {
        var seen = probe.Expect(password);
        var version = host.Vault.SetSecret(SecretName, password);
        var @event = host.NewVersionEvent(SecretName, version);

        var start = Stopwatch.GetTimestamp();
        var result = await host.Deliverer.DeliverAsync(@event);
        var answered = Stopwatch.GetTimestamp();

        var attempt = result.Attempts.Count == 1 ? result.Attempts[0] : null;
        var status = attempt?.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "error";
        double? toOnChange;
        try
        {
            toOnChange = Stopwatch.GetElapsedTime(start, await seen.WaitAsync(PerRotationTimeout)).TotalMilliseconds;
        }
        catch (TimeoutException)
        {
            toOnChange = null;
        }

        return (status, Stopwatch.GetElapsedTime(start, answered).TotalMilliseconds, toOnChange);
    }
}
