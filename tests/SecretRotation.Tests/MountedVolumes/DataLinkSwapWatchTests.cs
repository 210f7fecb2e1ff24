using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.Engine;
using SecretRotation.MountedVolumes;
using SecretRotation.Testing;
using SecretRotation.Tests.Support;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.MountedVolumes;

/// <summary>
/// The kubelet's rename of <c>..data</c> publishes a complete version in one step, so it is read at once; every other event
/// (a plain directory's multi-step write, an editor's save) still goes through the debounce. Real files, links and inotify.
/// </summary>
public sealed class DataLinkSwapWatchTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly CapturingLoggerProvider _logs = new();

    private string MountPath => _directory.Combine("db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task EachKubeletSwapIsReportedAsExactlyOneCompleteChange()
    {
        var writer = new KubernetesVolumeWriter(MountPath);
        writer.Write(Payload("app", "password-0"));
        using ISecretSource reader = new MountedSecretsReader(new MountedSecretsSource { Path = MountPath });
        var events = new WatchEvents(MountPath);
        using var watch = ((IWatchesCompleteChanges)reader).Watch(events.OnChanged, events.OnCompleted);

        const int Swaps = 5;
        for (var swap = 1; swap <= Swaps; swap++)
        {
            writer.Write(Payload("app", $"password-{swap}"));
            await events.WaitForCompletedAsync(writer.CurrentDataDirectory!);
        }

        // Every earlier event arrives before this sentinel's: a duplicate would show in the count.
        var sentinel = SwapDataLinkTo(writer.CurrentDataDirectory!, "..sentinel");
        await events.WaitForCompletedAsync(sentinel);

        Assert.Equal(Swaps + 1, events.CompletedTargets.Length);
        Assert.True(events.Changed > 0, "the writer's other steps (new directory, files, removal of the old one) were not reported");
    }

    [Fact]
    public async Task APlainDirectorysMultiStepWriteIsNeverReportedAsACompleteChange()
    {
        Directory.CreateDirectory(Path.Combine(MountPath, "nested"));
        await File.WriteAllTextAsync(Path.Combine(MountPath, "Password"), "plain-1");
        using ISecretSource reader = new MountedSecretsReader(new MountedSecretsSource { Path = MountPath });
        var events = new WatchEvents(MountPath);
        using var watch = ((IWatchesCompleteChanges)reader).Watch(events.OnChanged, events.OnCompleted);

        // An editor's save (write a temporary file, rename it over), an in-place write, and a "..data" renamed in a
        // sub-directory, which is not the volume's link.
        await File.WriteAllTextAsync(Path.Combine(MountPath, ".Password.swp"), "plain-2");
        Assert.True(UnixFileSystem.Rename(Path.Combine(MountPath, ".Password.swp"), Path.Combine(MountPath, "Password")));
        await File.WriteAllTextAsync(Path.Combine(MountPath, "User"), "app");
        Directory.CreateDirectory(Path.Combine(MountPath, "nested", "..v1"));
        File.CreateSymbolicLink(Path.Combine(MountPath, "nested", "..data_tmp"), "..v1");
        Assert.True(UnixFileSystem.Rename(Path.Combine(MountPath, "nested", "..data_tmp"), Path.Combine(MountPath, "nested", "..data")));

        Directory.CreateDirectory(Path.Combine(MountPath, "..sentinel-target"));
        var sentinel = SwapDataLinkTo(null, "..sentinel-target");
        await events.WaitForCompletedAsync(sentinel);

        Assert.Equal(sentinel, Assert.Single(events.CompletedTargets));
        Assert.True(events.Changed >= 4, $"only {events.Changed} ordinary events for the multi-step write");
    }

    [Fact]
    public async Task AKubeletSwapIsReadAtOnceWithoutTheDebounceOneOnChangePerSwapNeverTorn()
    {
        var writer = new KubernetesVolumeWriter(MountPath);
        writer.Write(Payload("user-0", "password-0"));

        // The engine's clock never moves: a read that waited for the debounce window (20 ms) would never happen.
        var frozen = new FakeTimeProvider();
        using var configuration = new ConfigurationBuilder()
            .AddMountedSecrets(MountPath, s =>
            {
                s.KeyPrefix = "Db";
                s.TimeProvider = frozen;
                s.PollInterval = null;
                s.LoggerFactory = _logs.CreateFactory();
            })
            .Build() as ConfigurationRoot;
        using var probe = new OptionsProbe(configuration!, "Db");
        // Also ends by itself, so a failed assertion below cannot leave it spinning for the rest of the run.
        using var stop = new CancellationTokenSource(Signal.Timeout * 2);
        var torn = new List<string>();
        var reads = 0L;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref reads);
                var current = probe.Monitor.CurrentValue;
                if (current.User?[5..] != current.Password?[9..])
                {
                    lock (torn)
                    {
                        torn.Add($"{current.User}/{current.Password}");
                    }
                }
            }
        });

        const int Swaps = 20;
        for (var version = 1; version <= Swaps; version++)
        {
            writer.Write(Payload($"user-{version}", $"password-{version}"));
            var changes = await probe.WaitForAsync(o => o.Password == $"password-{version}", $"version {version}");
            var change = Assert.Single(changes);
            Assert.Equal($"user-{version}", change.User);
        }

        await stop.CancelAsync();
        await reader.WithTimeout("the reader loop");
        Assert.True(Interlocked.Read(ref reads) > 0, "the reader never ran, so it could not see a torn read");
        Assert.Empty(torn);
        Assert.Equal(0, probe.PendingChanges);
    }

    private static Dictionary<string, string> Payload(string user, string password) => new()
    {
        ["User"] = user,
        ["Password"] = password,
    };

    /// <summary>Renames a new link to <paramref name="target"/> over <c>..data</c>, as the kubelet does; returns the target.</summary>
    private string SwapDataLinkTo(string? current, string target)
    {
        if (current is not null && !Directory.Exists(Path.Combine(MountPath, target)))
        {
            // The same content under a new name.
            CopyDirectory(Path.Combine(MountPath, current), Path.Combine(MountPath, target));
        }

        var temporary = Path.Combine(MountPath, "..data_tmp");
        File.CreateSymbolicLink(temporary, target);
        Assert.True(UnixFileSystem.Rename(temporary, Path.Combine(MountPath, "..data")));
        return target;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    /// <summary>Counts ordinary events and records, for each complete change, where <c>..data</c> pointed when it came.</summary>
    private sealed class WatchEvents(string mountPath)
    {
        private readonly Lock _gate = new();
        private readonly List<string?> _completed = [];
        private readonly List<(string Target, TaskCompletionSource Seen)> _waiters = [];
        private int _changed;

        public int Changed => Volatile.Read(ref _changed);

        public string?[] CompletedTargets
        {
            get
            {
                lock (_gate)
                {
                    return _completed.ToArray();
                }
            }
        }

        public void OnChanged() => Interlocked.Increment(ref _changed);

        public void OnCompleted()
        {
            var target = new FileInfo(Path.Combine(mountPath, "..data")).LinkTarget;
            lock (_gate)
            {
                _completed.Add(target);
                foreach (var (expected, seen) in _waiters)
                {
                    if (expected == target)
                    {
                        seen.TrySetResult();
                    }
                }
            }
        }

        public Task WaitForCompletedAsync(string target)
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_completed.Contains(target))
                {
                    seen.TrySetResult();
                }
                else
                {
                    _waiters.Add((target, seen));
                }
            }

            return seen.Task.WithTimeout($"a complete change to {target}");
        }
    }
}
