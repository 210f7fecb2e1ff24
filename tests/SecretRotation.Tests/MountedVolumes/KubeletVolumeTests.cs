using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.Engine;
using SecretRotation.Testing;
using SecretRotation.Tests.Support;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.MountedVolumes;

/// <summary>Real directories, real symlinks, real inotify: the volume updated exactly as the kubelet does it.</summary>
public sealed class KubeletVolumeTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly KubernetesVolumeWriter _writer;
    private readonly CapturingLoggerProvider _logs = new();

    public KubeletVolumeTests()
    {
        _writer = new KubernetesVolumeWriter(MountPath);
    }

    private string MountPath => _directory.Combine("db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AKubeletSwapReachesIOptionsMonitorOnChangeWithTheNewValue()
    {
        _writer.Write(Payload("app", "password-1"));
        using var configuration = Build();
        using var probe = new OptionsProbe(configuration, "Db");
        Assert.Equal("password-1", probe.Monitor.CurrentValue.Password);

        _writer.Write(Payload("app", "password-2"));

        await probe.WaitForAsync(o => o.Password == "password-2", "the rotated password");
        Assert.Equal("password-2", probe.Monitor.CurrentValue.Password);
        Assert.Equal("app", probe.Monitor.CurrentValue.User);
    }

    [Fact]
    public async Task AMultiFileRotationIsSeenAllAtOnce()
    {
        _writer.Write(Payload("user-0", "password-0"));
        using var configuration = Build();
        using var probe = new OptionsProbe(configuration, "Db");
        var torn = new List<string>();
        using var stop = new CancellationTokenSource();
        var reads = 0L;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var current = probe.Monitor.CurrentValue;
                if (current.User?[5..] != current.Password?[9..])
                {
                    lock (torn)
                    {
                        torn.Add($"{current.User}/{current.Password}");
                    }
                }

                reads++;
            }
        });

        for (var version = 1; version <= 25; version++)
        {
            _writer.Write(Payload($"user-{version}", $"password-{version}"));
            var changes = await probe.WaitForAsync(o => o.Password == $"password-{version}", $"version {version}");
            Assert.All(changes, o => Assert.Equal(o.User![5..], o.Password![9..]));
        }

        await stop.CancelAsync();
        await reader.WithTimeout("the reader loop");
        Assert.Empty(torn);
        Assert.True(reads > 0);
    }

    [Fact]
    public async Task ReadsRacingRapidSwapsNeverSeeATornSet()
    {
        _writer.Write(Payload("user-0", "password-0"));
        using var configuration = Build(s =>
        {
            s.UseFileWatcher = false;
            s.PollInterval = null;
        });
        var refresher = configuration.GetSecretRefreshers().Single();
        using var stop = new CancellationTokenSource();
        var torn = new List<string>();
        var refreshes = 0;
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await refresher.TryRefreshAsync();
                refreshes++;
                var user = configuration["Db:User"]!;
                var password = configuration["Db:Password"]!;
                if (user[5..] != password[9..])
                {
                    torn.Add($"{user}/{password}");
                }
            }
        });

        for (var version = 1; version <= 300; version++)
        {
            _writer.Write(Payload($"user-{version}", $"password-{version}"));
        }

        await stop.CancelAsync();
        await reader.WithTimeout("the refresh loop");
        await refresher.RefreshAsync();

        Assert.Empty(torn);
        Assert.True(refreshes > 0);
        Assert.Equal("password-300", configuration["Db:Password"]);
    }

    [Fact]
    public async Task AKeyAddedAndAKeyRemovedBySwapsAreSeen()
    {
        _writer.Write(new Dictionary<string, string> { ["User"] = "app", ["Password"] = "p1" });
        using var configuration = Build();
        using var reloads = new ReloadProbe(configuration);

        _writer.Write(new Dictionary<string, string> { ["User"] = "app", ["Password"] = "p1", ["ApiKey"] = "k1" });
        await reloads.WaitAsync(() => configuration["Db:ApiKey"] == "k1", "the added key");

        _writer.Write(new Dictionary<string, string> { ["User"] = "app", ["ApiKey"] = "k1" });
        await reloads.WaitAsync(() => configuration["Db:Password"] is null, "the removed key");

        Assert.Equal("app", configuration["Db:User"]);
        Assert.False(File.Exists(Path.Combine(MountPath, "Password")));
    }

    [Fact]
    public async Task ThePollingFallbackDetectsASwapWhenTheWatcherIsOff()
    {
        var time = new FakeTimeProvider();
        _writer.Write(Payload("app", "password-1"));
        using var configuration = Build(s =>
        {
            s.UseFileWatcher = false;
            s.TimeProvider = time;
            s.PollInterval = TimeSpan.FromSeconds(10);
            s.PollJitter = 0;
        });
        using var probe = new OptionsProbe(configuration, "Db");
        var provider = configuration.Providers.OfType<SecretConfigurationProvider>().Single();

        _writer.Write(Payload("app", "password-2"));
        await provider.WhenIdleAsync().WithTimeout("the loop to wait");
        time.Advance(TimeSpan.FromSeconds(10));

        await probe.WaitForAsync(o => o.Password == "password-2", "the polled rotation");
    }

    [Fact]
    public async Task APollThatFindsNothingChangedFiresNothing()
    {
        var time = new FakeTimeProvider();
        _writer.Write(Payload("app", "password-1"));
        using var configuration = Build(s =>
        {
            s.UseFileWatcher = false;
            s.TimeProvider = time;
            s.PollInterval = TimeSpan.FromSeconds(10);
            s.PollJitter = 0;
        });
        using var reloads = new ReloadProbe(configuration);
        var provider = configuration.Providers.OfType<SecretConfigurationProvider>().Single();

        for (var i = 0; i < 5; i++)
        {
            _writer.Write(Payload("app", "password-1"));
            await provider.WhenIdleAsync().WithTimeout("the loop to wait");
            time.Advance(TimeSpan.FromSeconds(10));
        }

        await provider.WhenIdleAsync().WithTimeout("the loop to wait");
        Assert.Equal(0, reloads.Count);
        Assert.True(provider.Status.LastSuccess >= time.GetUtcNow() - TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AnUnmountKeepsTheLastGoodDataAndARemountIsWatchedAgain()
    {
        _writer.Write(Payload("app", "password-1"));
        using var configuration = Build();
        using var probe = new OptionsProbe(configuration, "Db");
        var refresher = configuration.GetSecretRefreshers().Single();

        // An unmount takes the whole volume away at once; a recursive delete would show the watcher half-deleted states.
        Directory.Move(MountPath, MountPath + ".unmounted");
        Directory.Delete(MountPath + ".unmounted", recursive: true);
        var failure = await Assert.ThrowsAsync<SecretSourceException>(() => refresher.RefreshAsync());

        Assert.Contains(MountPath, failure.Message, StringComparison.Ordinal);
        Assert.Equal("password-1", configuration["Db:Password"]);
        Assert.Equal("app", configuration["Db:User"]);

        var remounted = new KubernetesVolumeWriter(MountPath);
        remounted.Write(Payload("app", "password-2"));
        await refresher.RefreshAsync();
        Assert.Equal("password-2", configuration["Db:Password"]);

        remounted.Write(Payload("app", "password-3"));
        await probe.WaitForAsync(o => o.Password == "password-3", "a swap after the remount, through the new watcher");
    }

    [Fact]
    public async Task AnOptionalVolumeMountedLaterIsPickedUpByThePoll()
    {
        var time = new FakeTimeProvider();
        using var configuration = Build(s =>
        {
            s.Optional = true;
            s.TimeProvider = time;
            s.PollInterval = TimeSpan.FromSeconds(10);
            s.PollJitter = 0;
        });
        Assert.Null(configuration["Db:Password"]);
        var provider = configuration.Providers.OfType<SecretConfigurationProvider>().Single();

        _writer.Write(Payload("app", "late"));
        await provider.WhenIdleAsync().WithTimeout("the loop to wait");
        time.Advance(TimeSpan.FromSeconds(10));
        await provider.WhenIdleAsync().WithTimeout("the loop to wait");

        using var reloads = new ReloadProbe(configuration);
        await reloads.WaitAsync(() => configuration["Db:Password"] == "late", "the late mount");
    }

    [Fact]
    public void NestedPathsBecomeSectionsAndDotNamedEntriesAreNeverKeys()
    {
        _writer.Write(new Dictionary<string, string>
        {
            ["tls/cert"] = "CERT",
            ["Pool__Size"] = "10",
        });
        File.WriteAllText(Path.Combine(MountPath, ".hidden"), "not a key");

        using var configuration = Build();

        Assert.Equal("CERT", configuration["Db:tls:cert"]);
        Assert.Equal("10", configuration["Db:Pool:Size"]);
        Assert.Equal(
            ["Db:Pool:Size", "Db:tls:cert"],
            configuration.AsEnumerable().Where(pair => pair.Value is not null).Select(pair => pair.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AFileRenderedIntoAKubeletVolumeReloadsOnASwap()
    {
        _writer.Write(new Dictionary<string, string> { ["app.json"] = """{"Db":{"User":"app","Password":"json-1"}}""" });
        using var configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .AddMountedSecretsFile(Path.Combine(MountPath, "app.json"), s => s.LoggerFactory = _logs.CreateFactory())
            .Build();
        using var probe = new OptionsProbe(configuration, "Db");
        Assert.Equal("json-1", probe.Monitor.CurrentValue.Password);

        _writer.Write(new Dictionary<string, string> { ["app.json"] = """{"Db":{"User":"app","Password":"json-2"}}""" });

        await probe.WaitForAsync(o => o.Password == "json-2", "the rotated rendered file");
    }

    private static Dictionary<string, string> Payload(string user, string password) => new()
    {
        ["User"] = user,
        ["Password"] = password,
    };

    private ConfigurationRoot Build(Action<MountedSecretsSource>? configure = null) =>
        (ConfigurationRoot)new ConfigurationBuilder()
            .AddMountedSecrets(MountPath, s =>
            {
                s.KeyPrefix = "Db";
                s.LoggerFactory = _logs.CreateFactory();
                configure?.Invoke(s);
            })
            .Build();
}
