using System.Net;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>Injected faults, broken and stuck watches, the watch limit and the request log.</summary>
public sealed class KubernetesEmulatorFaultTests
{
    private const string Secrets = "/api/v1/namespaces/apps/secrets";

    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;

    [Fact]
    public async Task AnInjectedFaultAnswersWithAStatusBeforeAuthenticationAndRunsOut()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        emulator.InjectFault(new KubernetesFault { PathPrefix = Secrets, StatusCode = 429, RetryAfter = TimeSpan.FromSeconds(1.5), Count = 1 });
        emulator.InjectFault(new KubernetesFault { Method = "PUT", StatusCode = 500, Message = "etcdserver: request timed out" });
        using var wire = new KubernetesWire(emulator, _timeout);

        var throttled = await wire.GetAsync($"{Secrets}/db", token: null);
        var served = await wire.GetAsync($"{Secrets}/db", emulator.AdminToken);
        var failed = await wire.PutAsync($"{Secrets}/db", emulator.AdminToken, """{"metadata":{"name":"db"}}""");
        emulator.ClearFaults();
        var cleared = await wire.PutAsync($"{Secrets}/db", emulator.AdminToken, """{"metadata":{"name":"db"}}""");

        throttled.AssertStatus(HttpStatusCode.TooManyRequests, "TooManyRequests", "Too many requests, please try again later.");
        served.AssertStatus(HttpStatusCode.NotFound, "NotFound", "secrets \"db\" not found");
        failed.AssertStatus(HttpStatusCode.InternalServerError, "InternalError", "etcdserver: request timed out");
        Assert.Equal(HttpStatusCode.NotFound, cleared.Status);
        Assert.Equal([429, 404, 500, 404], emulator.Requests.Select(r => r.StatusCode));
        Assert.Equal(["GET", "GET", "PUT", "PUT"], emulator.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task AWatchOnlyFaultLeavesListsAlone()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        emulator.InjectFault(new KubernetesFault { StatusCode = 410, WatchOnly = true, Count = 1 });
        using var wire = new KubernetesWire(emulator, _timeout);

        var list = await wire.GetAsync(Secrets, emulator.AdminToken);
        using var watch = await wire.WatchAsync($"{Secrets}?watch=1", emulator.AdminToken);

        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal(HttpStatusCode.Gone, watch.Status);
        Assert.Equal(0, emulator.ActiveWatchCount);
    }

    [Fact]
    public async Task AStalledWatchFaultSendsHeadersAndThenNothing()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(new KubernetesEmulatorOptions { BookmarkInterval = TimeSpan.FromMilliseconds(1) }, _timeout);
        emulator.InjectFault(new KubernetesFault { StallWatch = true, WatchOnly = true, Count = 1 });
        using var wire = new KubernetesWire(emulator, _timeout);

        using var stalled = await wire.WatchAsync($"{Secrets}?watch=1&allowWatchBookmarks=true", emulator.AdminToken);
        var pending = stalled.NextAsync();
        using var healthy = await wire.WatchAsync($"{Secrets}?watch=1&allowWatchBookmarks=true", emulator.AdminToken);
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = "1" });
        var types = new List<string?>();
        for (var i = 0; i < 100_000 && !types.Contains("ADDED"); i++)
        {
            types.Add((await healthy.NextAsync()).GetValueOrDefault().GetProperty("type").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, stalled.Status);
        Assert.Contains("ADDED", types);
        Assert.All(types, type => Assert.True(type is "ADDED" or "BOOKMARK"));
        Assert.False(pending.IsCompleted, "a stalled watch sends no event and no bookmark");
        Assert.Equal(1, emulator.ActiveWatchCount);
    }

    [Fact]
    public async Task BreakingWatchesEndsDropsOrStallsTheOpenStreams()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        using var wire = new KubernetesWire(emulator, _timeout);

        using var ended = await wire.WatchAsync($"{Secrets}?watch=1", emulator.AdminToken);
        Assert.Equal(1, emulator.BreakWatches(KubernetesWatchBreak.End));
        Assert.Null(await ended.NextAsync());

        using var dropped = await wire.WatchAsync($"{Secrets}?watch=1", emulator.AdminToken);
        Assert.Equal(1, emulator.BreakWatches(KubernetesWatchBreak.Drop));
        await Assert.ThrowsAnyAsync<IOException>(dropped.NextAsync);

        using var stalled = await wire.WatchAsync($"{Secrets}?watch=1", emulator.AdminToken);
        Assert.Equal(1, emulator.BreakWatches(KubernetesWatchBreak.Stall));
        var pending = stalled.NextAsync();
        using var fresh = await wire.WatchAsync($"{Secrets}?watch=1", emulator.AdminToken);
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = "1" });
        Assert.Equal("ADDED", (await fresh.NextAsync()).GetValueOrDefault().GetProperty("type").GetString());
        Assert.False(pending.IsCompleted, "a stalled watch receives nothing");
    }

    [Fact]
    public async Task OneWatchMoreThanTheLimitIs429()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(new KubernetesEmulatorOptions { MaxWatches = 2 }, _timeout);
        using var wire = new KubernetesWire(emulator, _timeout);

        using var one = await wire.WatchAsync($"{Secrets}?watch=1", emulator.AdminToken);
        using var two = await wire.WatchAsync($"{Secrets}?watch=1", emulator.AdminToken);
        await emulator.WaitForWatchesAsync(2, _timeout);
        using var three = await wire.WatchAsync($"{Secrets}?watch=1", emulator.AdminToken);

        Assert.Equal(HttpStatusCode.TooManyRequests, three.Status);
        Assert.Equal(2, emulator.ActiveWatchCount);
    }

    [Fact]
    public async Task AWatchClientThatFallsBehindTheBufferIsEnded()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(new KubernetesEmulatorOptions { WatchBufferLimit = 1 }, _timeout);
        using var wire = new KubernetesWire(emulator, _timeout);
        var large = new string('x', 64 * 1024);

        // The client reads nothing while about 26 MB of events are written: more than loopback sockets buffer.
        using var watch = await wire.WatchAsync($"{Secrets}?watch=1&resourceVersion={emulator.ResourceVersion}", emulator.AdminToken);
        const int Written = 300;
        for (var i = 0; i < Written; i++)
        {
            emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = large + i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        var events = 0;
        while (events <= Written && await watch.NextAsync() is not null)
        {
            events++;
        }

        Assert.True(events < Written, $"the stream carried all {events} events instead of ending when its buffer overflowed");
    }
}
