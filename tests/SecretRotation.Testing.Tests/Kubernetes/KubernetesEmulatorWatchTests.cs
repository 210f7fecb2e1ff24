using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>List and watch over raw HTTP: resource versions, event order and framing, bookmarks, timeouts, 410 Expired.</summary>
public sealed class KubernetesEmulatorWatchTests
{
    private const string Secrets = "/api/v1/namespaces/apps/secrets";

    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;

    [Fact]
    public async Task AListThenAWatchFromItsVersionSeesAddedModifiedDeletedInOrder()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        var first = emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["password"] = "v1" });
        emulator.SetSecret("other", "db", new Dictionary<string, string> { ["password"] = "elsewhere" });
        using var wire = new KubernetesWire(emulator, _timeout);

        var list = await wire.GetAsync(Secrets, emulator.AdminToken);
        var listVersion = list.Json.GetProperty("metadata").GetProperty("resourceVersion").GetString();
        using var watch = await wire.WatchAsync($"{Secrets}?watch=1&resourceVersion={listVersion}", emulator.AdminToken);
        var added = emulator.SetSecret("apps", "api", new Dictionary<string, string> { ["key"] = "k1" });
        var modified = emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["password"] = "v2" });
        emulator.SetSecret("other", "db", new Dictionary<string, string> { ["password"] = "not in this namespace" });
        Assert.True(emulator.DeleteSecret("apps", "api"));
        var afterDelete = emulator.ResourceVersion;

        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal("SecretList", list.Json.GetProperty("kind").GetString());
        Assert.Equal("v1", list.Json.GetProperty("apiVersion").GetString());
        var item = Assert.Single(list.Json.GetProperty("items").EnumerateArray());
        Assert.Equal(first, item.GetProperty("metadata").GetProperty("resourceVersion").GetString());
        Assert.False(item.TryGetProperty("kind", out _), "items of a typed list carry no kind");
        Assert.Equal(HttpStatusCode.OK, watch.Status);
        Assert.Equal("application/json", watch.ContentType);

        var events = new List<JsonElement>();
        for (var i = 0; i < 3; i++)
        {
            events.Add((await watch.NextAsync()).GetValueOrDefault());
        }

        Assert.Equal(["ADDED", "MODIFIED", "DELETED"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.All(events, e => Assert.Equal("Secret", e.GetProperty("object").GetProperty("kind").GetString()));
        Assert.Equal(["api", "db", "api"], events.Select(e => e.GetProperty("object").GetProperty("metadata").GetProperty("name").GetString()));
        Assert.Equal(
            [added, modified, afterDelete],
            events.Select(e => e.GetProperty("object").GetProperty("metadata").GetProperty("resourceVersion").GetString()));
        Assert.Equal("djI=", events[1].GetProperty("object").GetProperty("data").GetProperty("password").GetString());
        var versions = events.Select(e => long.Parse(e.GetProperty("object").GetProperty("metadata").GetProperty("resourceVersion").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(versions.Order(), versions);
    }

    [Fact]
    public async Task AWatchWithoutAVersionStartsWithSyntheticAddedEventsForWhatExists()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        emulator.SetSecret("apps", "b", new Dictionary<string, string> { ["k"] = "1" });
        emulator.SetSecret("apps", "a", new Dictionary<string, string> { ["k"] = "1" });
        using var wire = new KubernetesWire(emulator, _timeout);

        foreach (var version in (string[])["", "&resourceVersion=0"])
        {
            using var watch = await wire.WatchAsync($"{Secrets}?watch=true{version}", emulator.AdminToken);
            var one = (await watch.NextAsync()).GetValueOrDefault();
            var two = (await watch.NextAsync()).GetValueOrDefault();

            Assert.Equal("ADDED", one.GetProperty("type").GetString());
            Assert.Equal("ADDED", two.GetProperty("type").GetString());
            Assert.Equal("a", one.GetProperty("object").GetProperty("metadata").GetProperty("name").GetString());
            Assert.Equal("b", two.GetProperty("object").GetProperty("metadata").GetProperty("name").GetString());
        }
    }

    [Fact]
    public async Task BookmarksCarryOnlyTheResourceVersionAndComeAtTheInterval()
    {
        var clock = new FakeTimeProvider();
        await using var emulator = await KubernetesEmulator.StartAsync(
            new KubernetesEmulatorOptions { TimeProvider = clock, BookmarkInterval = TimeSpan.FromSeconds(10) }, _timeout);
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = "1" });
        using var wire = new KubernetesWire(emulator, _timeout);

        using var watch = await wire.WatchAsync($"{Secrets}?watch=1&allowWatchBookmarks=true&resourceVersion={emulator.ResourceVersion}", emulator.AdminToken);
        var written = emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = "2" });
        var modified = (await watch.NextAsync()).GetValueOrDefault();
        clock.Advance(TimeSpan.FromSeconds(10));
        var bookmark = (await watch.NextAsync()).GetValueOrDefault();

        Assert.Equal("MODIFIED", modified.GetProperty("type").GetString());
        Assert.Equal("BOOKMARK", bookmark.GetProperty("type").GetString());
        var obj = bookmark.GetProperty("object");
        Assert.Equal("Secret", obj.GetProperty("kind").GetString());
        Assert.Equal(written, obj.GetProperty("metadata").GetProperty("resourceVersion").GetString());
        Assert.Equal(["resourceVersion"], obj.GetProperty("metadata").EnumerateObject().Select(p => p.Name));
        Assert.False(obj.TryGetProperty("data", out _));
    }

    [Fact]
    public async Task AWatchWithoutBookmarksGetsNone()
    {
        var clock = new FakeTimeProvider();
        await using var emulator = await KubernetesEmulator.StartAsync(
            new KubernetesEmulatorOptions { TimeProvider = clock, BookmarkInterval = TimeSpan.FromSeconds(10) }, _timeout);
        using var wire = new KubernetesWire(emulator, _timeout);

        using var watch = await wire.WatchAsync($"{Secrets}?watch=1&resourceVersion={emulator.ResourceVersion}", emulator.AdminToken);
        clock.Advance(TimeSpan.FromSeconds(30));
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = "1" });

        Assert.Equal("ADDED", (await watch.NextAsync()).GetValueOrDefault().GetProperty("type").GetString());
    }

    [Fact]
    public async Task TheServerEndsAWatchWhenItsTimeoutRunsOut()
    {
        var clock = new FakeTimeProvider();
        await using var emulator = await KubernetesEmulator.StartAsync(new KubernetesEmulatorOptions { TimeProvider = clock }, _timeout);
        using var wire = new KubernetesWire(emulator, _timeout);

        using var watch = await wire.WatchAsync($"{Secrets}?watch=1&timeoutSeconds=60", emulator.AdminToken);
        clock.Advance(TimeSpan.FromSeconds(59));
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = "1" });
        var added = await watch.NextAsync();
        clock.Advance(TimeSpan.FromSeconds(1));
        var end = await watch.NextAsync();

        Assert.Equal("ADDED", added.GetValueOrDefault().GetProperty("type").GetString());
        Assert.Null(end);
        Assert.Equal(0, emulator.ActiveWatchCount); // removed before the stream's last chunk went out
    }

    [Fact]
    public async Task AWatchFromACompactedVersionGetsOneErrorEventWith410Expired()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        var old = emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = "1" });
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = "2" });
        emulator.Compact();
        var current = emulator.ResourceVersion;
        using var wire = new KubernetesWire(emulator, _timeout);

        using var watch = await wire.WatchAsync($"{Secrets}?watch=1&resourceVersion={old}", emulator.AdminToken);
        var error = (await watch.NextAsync()).GetValueOrDefault();
        var end = await watch.NextAsync();
        var exact = await wire.GetAsync($"{Secrets}?resourceVersion={old}&resourceVersionMatch=Exact", emulator.AdminToken);
        var notOlderThan = await wire.GetAsync($"{Secrets}?resourceVersion={old}", emulator.AdminToken);
        using var fromCurrent = await wire.WatchAsync($"{Secrets}?watch=1&resourceVersion={current}", emulator.AdminToken);
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = "3" });

        Assert.Equal(HttpStatusCode.OK, watch.Status);
        Assert.Equal("ERROR", error.GetProperty("type").GetString());
        var status = error.GetProperty("object");
        Assert.Equal("Status", status.GetProperty("kind").GetString());
        Assert.Equal("Failure", status.GetProperty("status").GetString());
        Assert.Equal(410, status.GetProperty("code").GetInt32());
        Assert.Equal("Expired", status.GetProperty("reason").GetString());
        Assert.Equal($"too old resource version: {old} ({current})", status.GetProperty("message").GetString());
        Assert.Null(end);
        exact.AssertStatus(HttpStatusCode.Gone, "Expired", $"too old resource version: {old} ({current})");
        Assert.Equal(HttpStatusCode.OK, notOlderThan.Status);
        Assert.Equal(current, notOlderThan.Json.GetProperty("metadata").GetProperty("resourceVersion").GetString());
        Assert.Equal("MODIFIED", (await fromCurrent.NextAsync()).GetValueOrDefault().GetProperty("type").GetString());
    }

    [Fact]
    public async Task TheHistoryLimitCompactsTheOldestEvents()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(new KubernetesEmulatorOptions { EventHistoryLimit = 2 }, _timeout);
        var v1 = emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = "1" });
        var v2 = emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = "2" });
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = "3" });
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = "4" });
        using var wire = new KubernetesWire(emulator, _timeout);

        using var expired = await wire.WatchAsync($"{Secrets}?watch=1&resourceVersion={v1}", emulator.AdminToken);
        using var kept = await wire.WatchAsync($"{Secrets}?watch=1&resourceVersion={v2}", emulator.AdminToken);

        Assert.Equal("ERROR", (await expired.NextAsync()).GetValueOrDefault().GetProperty("type").GetString());
        Assert.Equal("MODIFIED", (await kept.NextAsync()).GetValueOrDefault().GetProperty("type").GetString());
        Assert.Equal("MODIFIED", (await kept.NextAsync()).GetValueOrDefault().GetProperty("type").GetString());
    }
}
