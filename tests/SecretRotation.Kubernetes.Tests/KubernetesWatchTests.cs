using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using SecretRotation.Kubernetes.Internal;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Kubernetes.Tests;

/// <summary>The watch against the emulator: list then watch, bookmarks, 410, reconnects, stalls, RBAC, deletes, metadata-only updates.</summary>
public sealed class KubernetesWatchTests
{
    private const string Ns = KubernetesHarness.Namespace;

    private static Dictionary<string, string> Db(string user, string password) => new() { ["User"] = user, ["Password"] = password };

    [Fact]
    public async Task TheSourceListsThenWatchesFromTheListsResourceVersionAndAChangeArrivesWithoutARefresh()
    {
        await using var harness = await KubernetesHarness.StartAsync();
        var listedVersion = harness.Emulator.SetSecret(Ns, "db", Db("user-1", "watch-password-1"));
        using var configuration = harness.Build(["db"], s => s.KeyPrefix = "Db");
        using var reloads = new ReloadProbe(configuration);
        await harness.Emulator.WaitForWatchesAsync().WithTimeout("the watch");

        harness.Emulator.SetSecret(Ns, "db", Db("user-1", "watch-password-2"));
        // The new data is in place just before the reload token fires: wait for the firing itself.
        await reloads.WaitAsync(() => reloads.Count >= 1 && configuration["Db:Password"] == "watch-password-2", "the watched change");

        var requests = harness.Emulator.Requests;
        var watchIndex = requests.ToList().FindIndex(r => r.Verb == "watch");
        Assert.True(watchIndex > 0, "a list comes before the first watch");
        Assert.Contains(requests.Take(watchIndex), r => r.Verb == "list" && KubernetesHarness.QueryValue(r, "fieldSelector") == "metadata.name=db");
        var watch = requests[watchIndex];
        Assert.Equal("metadata.name=db", KubernetesHarness.QueryValue(watch, "fieldSelector"));
        Assert.Equal("true", KubernetesHarness.QueryValue(watch, "allowWatchBookmarks"));
        Assert.NotNull(KubernetesHarness.QueryValue(watch, "timeoutSeconds"));
        // Nothing was written between the list and the watch: the list answered at the Secret's version, and the watch starts there.
        Assert.Equal(listedVersion, KubernetesHarness.QueryValue(watch, "resourceVersion"));
        Assert.Equal("user-1", configuration["Db:User"]);
        Assert.Equal(1, reloads.Count);
    }

    [Fact]
    public async Task ABookmarkMovesTheResourceVersionTheNextWatchStartsFrom()
    {
        await using var harness = await KubernetesHarness.StartAsync(new KubernetesEmulatorOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        harness.Emulator.SetSecret(Ns, "db", Db("u", "bookmark-password-1"));
        using var configuration = harness.Build(["db"]);
        await harness.Emulator.WaitForWatchesAsync().WithTimeout("the watch");
        var firstFrom = long.Parse(KubernetesHarness.QueryValue(harness.Watches()[0], "resourceVersion")!, CultureInfo.InvariantCulture);

        // Writes the watch does not see (another Secret) move the server's resourceVersion; only a bookmark tells the source.
        for (var i = 0; i < 5; i++)
        {
            harness.Emulator.SetSecret(Ns, "other", Db("x", $"other-{i}"));
        }

        var serverVersion = long.Parse(harness.Emulator.ResourceVersion, CultureInfo.InvariantCulture);
        await harness.Logs.WaitForAsync(
            entries => entries.Any(e => e.EventId.Id == 1402 && e.FullText.Contains($"resourceVersion {serverVersion.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal)),
            "a bookmark at the server's resourceVersion");
        var listsBefore = harness.Lists().Count;
        harness.Emulator.BreakWatches(KubernetesWatchBreak.End);
        await harness.Logs.WaitForEventAsync(1410, "the second watch", count: 2);

        // The source's own record of the watch it sent (the emulator may not have logged the request yet).
        var second = harness.Logs.Entries.Where(e => e.EventId.Id == 1410).ElementAt(1).FullText;
        Assert.True(serverVersion > firstFrom, $"the server moved on from {firstFrom}");
        Assert.Contains($"from resourceVersion {serverVersion.ToString(CultureInfo.InvariantCulture)} ", second, StringComparison.Ordinal);
        // Resumed, not re-listed.
        Assert.Equal(listsBefore, harness.Lists().Count);
    }

    [Fact]
    public async Task A410ListsAgainAndWatchesFromTheNewList()
    {
        await using var harness = await KubernetesHarness.StartAsync();
        harness.Emulator.SetSecret(Ns, "db", Db("u", "gone-password-1"));
        using var configuration = harness.Build(["db"]);
        using var reloads = new ReloadProbe(configuration);
        await harness.Emulator.WaitForWatchesAsync().WithTimeout("the watch");
        var listsBefore = harness.Lists().Count;

        // The history the watch would resume from is compacted away while it is down: the resumed watch gets 410 Expired.
        var newest = harness.Emulator.SetSecret(Ns, "other", Db("x", "y"));
        harness.Emulator.Compact();
        harness.Emulator.BreakWatches(KubernetesWatchBreak.Drop);
        await harness.Logs.WaitForEventAsync(1403, "the 410");
        // The third watch: the first, the resumed one that got 410, and the one after the re-list.
        await harness.Logs.WaitForEventAsync(1410, "the watch after the re-list", count: 3);

        harness.Emulator.SetSecret(Ns, "db", Db("u", "gone-password-2"));
        await reloads.WaitAsync(() => configuration["Password"] == "gone-password-2", "the change after the re-list");
        Assert.True(harness.Lists().Count > listsBefore, "listed again");
        // The watch after the re-list starts at the new list's resourceVersion (the server's newest), as the source logged it.
        Assert.Contains($"from resourceVersion {newest} ", harness.Logs.Entries.Last(e => e.EventId.Id == 1410).FullText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(KubernetesWatchBreak.End)]
    [InlineData(KubernetesWatchBreak.Drop)]
    public async Task AStreamThatEndsIsWatchedAgainAndLosesNothing(KubernetesWatchBreak how)
    {
        await using var harness = await KubernetesHarness.StartAsync();
        harness.Emulator.SetSecret(Ns, "db", Db("u", "reconnect-password-1"));
        using var configuration = harness.Build(["db"]);
        using var reloads = new ReloadProbe(configuration);
        await harness.Emulator.WaitForWatchesAsync().WithTimeout("the watch");

        Assert.Equal(1, harness.Emulator.BreakWatches(how));
        // Written while no watch is open: the next watch resumes from the last resourceVersion and replays it.
        harness.Emulator.SetSecret(Ns, "db", Db("u", "reconnect-password-2"));

        await reloads.WaitAsync(() => configuration["Password"] == "reconnect-password-2", "the change made while disconnected");
        Assert.True(harness.Watches().Count >= 2);
    }

    [Fact]
    public async Task ASilentlyStuckWatchIsRestartedAfterTheProgressTimeout()
    {
        await using var harness = await KubernetesHarness.StartAsync(new KubernetesEmulatorOptions { BookmarkInterval = TimeSpan.FromHours(1) });
        harness.Emulator.SetSecret(Ns, "db", Db("u", "stall-password-1"));
        using var configuration = harness.Build(["db"], s => s.WatchProgressTimeout = TimeSpan.FromSeconds(1));
        using var reloads = new ReloadProbe(configuration);
        await harness.Emulator.WaitForWatchesAsync().WithTimeout("the watch");

        // The stream stays open but delivers nothing more, as behind a proxy that lost its upstream; the poll is off.
        harness.Emulator.BreakWatches(KubernetesWatchBreak.Stall);
        harness.Emulator.SetSecret(Ns, "db", Db("u", "stall-password-2"));

        await reloads.WaitAsync(() => configuration["Password"] == "stall-password-2", "the change after the restart");
        Assert.Contains(harness.Logs.Entries, e => e.EventId.Id == 1404);
    }

    [Fact]
    public async Task AResourceNamesScopedRoleIsEnoughForNamedSecrets()
    {
        await using var harness = await KubernetesHarness.StartAsync();
        harness.Emulator.SetSecret(Ns, "db", Db("u", "rbac-password-1"));
        harness.Emulator.SetSecret(Ns, "not-mine", Db("u", "rbac-other"));

        using var configuration = harness.Build(["db"]);
        await harness.Emulator.WaitForWatchesAsync().WithTimeout("the watch");

        Assert.Equal("rbac-password-1", configuration["Password"]);
        Assert.All(harness.Emulator.Requests.Where(r => r.User.StartsWith("system:serviceaccount:", StringComparison.Ordinal)), r => Assert.Equal(200, r.StatusCode));
    }

    [Fact]
    public async Task A403NamesTheVerbResourceNamespaceAndNameAndPrintsTheRole()
    {
        await using var harness = await KubernetesHarness.StartAsync();
        harness.Emulator.SetSecret(Ns, "db", Db("u", "forbidden-password-1"));
        var wrongToken = harness.ScopedToken("some-other-secret");

        var exception = Assert.Throws<SecretSourceException>(() => harness.Build(["db"], token: wrongToken));

        Assert.Contains("403", exception.Message, StringComparison.Ordinal);
        Assert.Contains("list secrets named 'db' in namespace 'app'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("kind: Role", exception.Message, StringComparison.Ordinal);
        Assert.Contains("namespace: app", exception.Message, StringComparison.Ordinal);
        Assert.Contains("resourceNames: [\"db\"]", exception.Message, StringComparison.Ordinal);
        Assert.Contains("verbs: [\"get\", \"list\", \"watch\"]", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("forbidden-password-1", exception.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(wrongToken, exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeletedSecretsKeysDropOut()
    {
        await using var harness = await KubernetesHarness.StartAsync();
        harness.Emulator.SetSecret(Ns, "db", Db("u", "deleted-password-1"));
        harness.Emulator.SetSecret(Ns, "api", new Dictionary<string, string> { ["ApiKey"] = "deleted-api-1" });
        using var configuration = harness.Build(["db", "api"]);
        using var reloads = new ReloadProbe(configuration);
        await harness.Emulator.WaitForWatchesAsync(2).WithTimeout("the watches");

        harness.Emulator.DeleteSecret(Ns, "db");

        await reloads.WaitAsync(() => configuration["Password"] is null, "the deleted Secret's keys to drop out");
        Assert.Null(configuration["User"]);
        Assert.Equal("deleted-api-1", configuration["ApiKey"]);

        harness.Emulator.SetSecret(Ns, "db", Db("u", "deleted-password-2"));
        await reloads.WaitAsync(() => configuration["Password"] == "deleted-password-2", "the re-created Secret");
    }

    [Fact]
    public async Task AnOptionalSourceThatSaysSoKeepsADeletedSecretsLastValues()
    {
        await using var harness = await KubernetesHarness.StartAsync();
        harness.Emulator.SetSecret(Ns, "db", Db("u", "kept-password-1"));
        harness.Emulator.SetSecret(Ns, "api", new Dictionary<string, string> { ["ApiKey"] = "kept-api-1" });
        using var configuration = harness.Build(["db", "api"], s =>
        {
            s.Optional = true;
            s.KeepLastGoodWhenDeleted = true;
        });
        using var reloads = new ReloadProbe(configuration);
        await harness.Emulator.WaitForWatchesAsync(2).WithTimeout("the watches");

        harness.Emulator.DeleteSecret(Ns, "db");
        await harness.Logs.WaitForEventAsync(1409, "the kept-deleted warning");
        harness.Emulator.SetSecret(Ns, "api", new Dictionary<string, string> { ["ApiKey"] = "kept-api-2" });
        await reloads.WaitAsync(() => configuration["ApiKey"] == "kept-api-2", "a later change of the other Secret");

        Assert.Equal("kept-password-1", configuration["Password"]);
        Assert.DoesNotContain("kept-password-1", harness.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMetadataOnlyUpdateFiresNothing()
    {
        await using var harness = await KubernetesHarness.StartAsync();
        harness.Emulator.SetSecret(Ns, "db", Db("u", "metadata-password-1"));
        using var configuration = harness.Build(["db"]);
        // One counter: two subscriptions to the reload token run in no promised order, so one could lag the other.
        using var probe = new ReloadProbe(configuration);
        await harness.Emulator.WaitForWatchesAsync().WithTimeout("the watch");

        var before = harness.Emulator.GetSecret(Ns, "db")!.ResourceVersion;
        var after = harness.Emulator.SetSecret(Ns, "db", Db("u", "metadata-password-1"), new Dictionary<string, string> { ["team"] = "blue" });
        Assert.NotEqual(before, after);

        // The source saw the MODIFIED event (logged with "data changed: False") ...
        await harness.Logs.WaitForAsync(
            entries => entries.Any(e => e.EventId.Id == 1401 && e.FullText.Contains($"MODIFIED db at resourceVersion {after}", StringComparison.Ordinal)),
            "the metadata-only MODIFIED event");
        Assert.Contains(harness.Logs.Entries, e => e.EventId.Id == 1401 && e.FullText.Contains("data changed: False", StringComparison.Ordinal));

        // ... and asked the engine for nothing: a later real change is the only read and the only reload.
        harness.Emulator.SetSecret(Ns, "db", Db("u", "metadata-password-2"), new Dictionary<string, string> { ["team"] = "blue" });
        // The new data is in place just before the reload token fires: wait for the firing itself.
        await probe.WaitAsync(() => probe.Count >= 1 && configuration["Password"] == "metadata-password-2", "the real change");
        Assert.Equal(1, probe.Count);
    }

    [Fact]
    public async Task TenThousandUpdatesWithFourConcurrentReadersGiveNoTornRead()
    {
        await using var harness = await KubernetesHarness.StartAsync(new KubernetesEmulatorOptions { EventHistoryLimit = 20_000, WatchBufferLimit = 20_000 });
        harness.Emulator.SetSecret(Ns, "db", Triple(0));
        using var configuration = harness.Build(["db"], s => s.KeyPrefix = "Db");
        var services = new ServiceCollection();
        services.Configure<TripleOptions>(configuration.GetSection("Db"));
        await using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<TripleOptions>>();
        using var listener = monitor.OnChange(_ => { });
        await harness.Emulator.WaitForWatchesAsync().WithTimeout("the watch");

        // Also ends by itself, so a failed wait below cannot leave four threads spinning for the rest of the run.
        using var stop = new CancellationTokenSource(Signal.Timeout * 2);
        var torn = 0;
        var reads = 0L;
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var current = monitor.CurrentValue;
                if (current.A != current.B || current.B != current.C)
                {
                    Interlocked.Increment(ref torn);
                }

                Interlocked.Increment(ref reads);
            }
        })).ToArray();

        const int Updates = 10_000;
        for (var i = 1; i <= Updates; i++)
        {
            harness.Emulator.SetSecret(Ns, "db", Triple(i));
        }

        using var reloads = new ReloadProbe(configuration);
        await reloads.WaitAsync(() => monitor.CurrentValue.C == $"v{Updates}", "the last update");
        await stop.CancelAsync();
        await Task.WhenAll(readers).WithTimeout("the readers");

        Assert.Equal(0, torn);
        Assert.True(Interlocked.Read(ref reads) > 0);
        Assert.Equal($"v{Updates}", configuration["Db:A"]);
    }

    private static Dictionary<string, string> Triple(int version) => new() { ["A"] = $"v{version}", ["B"] = $"v{version}", ["C"] = $"v{version}" };

    public sealed class TripleOptions
    {
        public string? A { get; set; }

        public string? B { get; set; }

        public string? C { get; set; }
    }
}
