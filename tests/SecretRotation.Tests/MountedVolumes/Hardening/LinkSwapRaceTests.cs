using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using SecretRotation.Tests.Support;
using SecretRotation.TestSupport;
using Xunit.Abstractions;

namespace SecretRotation.Tests.MountedVolumes.Hardening;

/// <summary>
/// A writer in the mount swaps links to a file outside it in and out while the source reads: what is read must be what
/// was checked, so the outside file's content never reaches configuration.
/// </summary>
public sealed class LinkSwapRaceTests : IDisposable
{
    private const string Canary = "outside-canary-7f3a9c";
    private const int MaxRefreshes = 20_000;
    private static readonly TimeSpan MaxDuration = TimeSpan.FromSeconds(20);

    private readonly TemporaryDirectory _directory = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ITestOutputHelper _output;

    public LinkSwapRaceTests(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(MountPath);
        Directory.CreateDirectory(OutsidePath);

        // Many files sorted before the target are read after the listing and before it: a wider window to race in.
        for (var i = 0; i < 200; i++)
        {
            File.WriteAllText(Path.Combine(MountPath, $"a{i:D3}"), "filler");
        }
    }

    private string MountPath => _directory.Combine("secrets");

    private string OutsidePath => _directory.Combine("outside");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ALinkRenamedOverAFileWhileItIsReadNeverBringsInTheOutsideFile()
    {
        var target = Path.Combine(MountPath, "zz-target");
        File.WriteAllText(target, "inside-value");
        File.WriteAllText(Path.Combine(OutsidePath, "canary"), Canary);
        var link = Path.Combine(MountPath, ".link");
        var replacement = Path.Combine(MountPath, ".replacement");

        await RaceAsync("zz-target", () =>
        {
            File.CreateSymbolicLink(link, Path.Combine(OutsidePath, "canary"));
            UnixFileSystem.Rename(link, target);
            File.WriteAllText(replacement, "inside-value");
            UnixFileSystem.Rename(replacement, target);
        });
    }

    [Fact]
    public async Task ADirectorySwappedForALinkWhileItIsReadNeverBringsInTheOutsideFile()
    {
        var directory = Path.Combine(MountPath, "zz");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "target"), "inside-value");
        File.WriteAllText(Path.Combine(OutsidePath, "target"), Canary);
        var link = Path.Combine(MountPath, ".link");
        var parked = Path.Combine(MountPath, ".parked");
        Directory.CreateSymbolicLink(link, OutsidePath);

        await RaceAsync("zz:target", () =>
        {
            UnixFileSystem.Rename(directory, parked);
            UnixFileSystem.Rename(link, directory);
            UnixFileSystem.Rename(directory, link);
            UnixFileSystem.Rename(parked, directory);
        });
    }

    private async Task RaceAsync(string key, Action swapOnce)
    {
        using var configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .AddMountedSecrets(MountPath, s =>
            {
                s.LoggerFactory = _logs.CreateFactory();
                s.UseFileWatcher = false;
                s.PollInterval = null;
            })
            .Build();
        Assert.Equal("inside-value", configuration[key]);
        var refresher = configuration.GetSecretRefreshers().Single();

        using var stop = new CancellationTokenSource();
        var swaps = 0L;
        var writer = Task.Factory.StartNew(
            () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    swapOnce();
                    swaps++;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        var refreshes = 0;
        var failed = 0;
        string? leakedKey = null;
        var elapsed = Stopwatch.StartNew();
        while (refreshes < MaxRefreshes && elapsed.Elapsed < MaxDuration && !writer.IsCompleted)
        {
            try
            {
                await refresher.RefreshAsync();
            }
            catch (SecretSourceException)
            {
                failed++;
            }

            refreshes++;
            leakedKey = configuration.AsEnumerable().FirstOrDefault(pair => pair.Value == Canary).Key;
            if (leakedKey is not null)
            {
                break;
            }
        }

        await stop.CancelAsync();
        await writer.WithTimeout("the swapping writer");
        _output.WriteLine($"{refreshes} refreshes ({failed} failed), {Interlocked.Read(ref swaps)} swaps, {elapsed.Elapsed.TotalSeconds:F1} s.");
        Assert.True(leakedKey is null, $"'{leakedKey}' held the outside file's content after {refreshes} refreshes ({failed} failed) and {Interlocked.Read(ref swaps)} swaps.");
        Assert.DoesNotContain(Canary, _logs.AllText(), StringComparison.Ordinal);
    }
}
