using System.Net;
using System.Text;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>Pagination, exact-version lists, the watch-list stream (sendInitialEvents), mid-watch expiry, and values kept out of text.</summary>
public sealed class KubernetesEmulatorListTests
{
    private const string Secrets = "/api/v1/namespaces/apps/secrets";

    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;

    [Fact]
    public async Task ALimitedListPagesWithContinueTokensAtOneResourceVersion()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        foreach (var name in (string[])["a", "b", "c"])
        {
            emulator.SetSecret("apps", name, new Dictionary<string, string> { ["k"] = name });
        }

        using var wire = new KubernetesWire(emulator, _timeout);

        var first = await wire.GetAsync($"{Secrets}?limit=2", emulator.AdminToken);
        emulator.SetSecret("apps", "d", new Dictionary<string, string> { ["k"] = "added after the first page" });
        var token = first.Json.GetProperty("metadata").GetProperty("continue").GetString();
        var second = await wire.GetAsync($"{Secrets}?limit=2&continue={token}", emulator.AdminToken);
        emulator.Compact();
        var expired = await wire.GetAsync($"{Secrets}?limit=2&continue={token}", emulator.AdminToken);

        Assert.Equal(["a", "b"], first.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()));
        Assert.Equal(1, first.Json.GetProperty("metadata").GetProperty("remainingItemCount").GetInt64());
        Assert.Equal(["c"], second.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()));
        Assert.Equal(
            first.Json.GetProperty("metadata").GetProperty("resourceVersion").GetString(),
            second.Json.GetProperty("metadata").GetProperty("resourceVersion").GetString());
        Assert.False(second.Json.GetProperty("metadata").TryGetProperty("continue", out _));
        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        Assert.Equal("Expired", expired.Json.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task AnExactListShowsTheStateAtThatVersion()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        var v1 = emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["password"] = "v1" });
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["password"] = "v2" });
        emulator.SetSecret("apps", "api", new Dictionary<string, string> { ["k"] = "1" });
        using var wire = new KubernetesWire(emulator, _timeout);

        var exact = await wire.GetAsync($"{Secrets}?resourceVersion={v1}&resourceVersionMatch=Exact", emulator.AdminToken);
        var future = await wire.GetAsync($"{Secrets}?resourceVersion=999999", emulator.AdminToken);

        var item = Assert.Single(exact.Json.GetProperty("items").EnumerateArray());
        Assert.Equal(v1, exact.Json.GetProperty("metadata").GetProperty("resourceVersion").GetString());
        Assert.Equal("djE=", item.GetProperty("data").GetProperty("password").GetString());
        Assert.Equal(HttpStatusCode.GatewayTimeout, future.Status);
        Assert.Equal("Timeout", future.Json.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task SendInitialEventsEndsTheInitialStateWithAnAnnotatedBookmark()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = "1" });
        var current = emulator.ResourceVersion;
        using var wire = new KubernetesWire(emulator, _timeout);

        var refused = await wire.GetAsync($"{Secrets}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan", emulator.AdminToken);
        using var watch = await wire.WatchAsync(
            $"{Secrets}?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan", emulator.AdminToken);
        var added = (await watch.NextAsync()).GetValueOrDefault();
        var bookmark = (await watch.NextAsync()).GetValueOrDefault();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Equal("ADDED", added.GetProperty("type").GetString());
        Assert.Equal("BOOKMARK", bookmark.GetProperty("type").GetString());
        var metadata = bookmark.GetProperty("object").GetProperty("metadata");
        Assert.Equal(current, metadata.GetProperty("resourceVersion").GetString());
        Assert.Equal("true", metadata.GetProperty("annotations").GetProperty("k8s.io/initial-events-end").GetString());
    }

    [Fact]
    public async Task ExpiringWatchesSendsAn410ErrorEventMidStreamAndCompacts()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        var start = emulator.ResourceVersion;
        using var wire = new KubernetesWire(emulator, _timeout);

        using var watch = await wire.WatchAsync($"{Secrets}?watch=1&resourceVersion={start}", emulator.AdminToken);
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = "1" });
        var added = (await watch.NextAsync()).GetValueOrDefault();
        Assert.Equal(1, emulator.BreakWatches(KubernetesWatchBreak.Expire));
        var error = (await watch.NextAsync()).GetValueOrDefault();
        var end = await watch.NextAsync();
        using var again = await wire.WatchAsync($"{Secrets}?watch=1&resourceVersion={start}", emulator.AdminToken);

        Assert.Equal("ADDED", added.GetProperty("type").GetString());
        Assert.Equal("ERROR", error.GetProperty("type").GetString());
        Assert.Equal(410, error.GetProperty("object").GetProperty("code").GetInt32());
        Assert.Equal("Expired", error.GetProperty("object").GetProperty("reason").GetString());
        Assert.Equal("The resourceVersion for the provided watch is too old.", error.GetProperty("object").GetProperty("message").GetString());
        Assert.Null(end);
        Assert.Equal("ERROR", (await again.NextAsync()).GetValueOrDefault().GetProperty("type").GetString());
    }

    [Fact]
    public async Task SnapshotsAndTheRequestLogNeverShowValues()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        const string Canary = "leak-canary-k8s-value";
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["password"] = Canary });
        using var wire = new KubernetesWire(emulator, _timeout);

        await wire.PostAsync(Secrets, emulator.AdminToken, $$$"""{"metadata":{"name":"api"},"stringData":{"password":"{{{Canary}}}"}}""");
        await wire.PostAsync(Secrets, emulator.AdminToken, $$$"""{"metadata":{"name":"bad"},"stringData":{"a/b":"{{{Canary}}}"}}""");
        var bad = await wire.PostAsync(Secrets, emulator.AdminToken, $$$"""{"metadata":{"name":"bad"},"data":{"k":"{{{Canary}}}!"}}""");

        var text = string.Join('\n', emulator.GetSecret("apps", "db")!.ToString(), string.Join('\n', emulator.Requests), bad.Json.GetProperty("message").GetString());
        Assert.DoesNotContain(Canary, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Canary)), text, StringComparison.Ordinal);
    }
}
