using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>The writer must do exactly what the kubelet's atomic writer does, or volume tests prove nothing.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class KubernetesVolumeWriterTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    private string MountPath => _directory.Combine("volume");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void TheFirstWriteCreatesTheKubeletLayout()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 13, 57, 32, TimeSpan.Zero));
        var writer = new KubernetesVolumeWriter(MountPath, time);

        Assert.True(writer.Write(new Dictionary<string, string> { ["username"] = "app", ["password"] = "p1" }));

        var dataTarget = new FileInfo(Path.Combine(MountPath, "..data")).LinkTarget;
        Assert.NotNull(dataTarget);
        Assert.Matches(TimestampedName(), dataTarget);
        Assert.StartsWith("..2026_11_26_13_57_32.", dataTarget, StringComparison.Ordinal);
        Assert.Equal(dataTarget, writer.CurrentDataDirectory);
        Assert.Equal("..data/password", new FileInfo(Path.Combine(MountPath, "password")).LinkTarget);
        Assert.Equal("..data/username", new FileInfo(Path.Combine(MountPath, "username")).LinkTarget);
        Assert.Equal("p1", File.ReadAllText(Path.Combine(MountPath, "password")));
        Assert.False(File.Exists(Path.Combine(MountPath, "..data_tmp")));
        Assert.Equal(
            new[] { "..data", dataTarget, "password", "username" }.Order(StringComparer.Ordinal),
            Directory.EnumerateFileSystemEntries(MountPath).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var timestamped = Path.Combine(MountPath, dataTarget);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            File.GetUnixFileMode(Path.Combine(timestamped, "password")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            File.GetUnixFileMode(timestamped));
    }

    [Fact]
    public void AnUpdateSwapsDataToANewDirectoryAndRemovesTheOldOne()
    {
        var writer = new KubernetesVolumeWriter(MountPath);
        writer.Write(new Dictionary<string, string> { ["password"] = "p1" });
        var first = writer.CurrentDataDirectory!;
        var linkBefore = new FileInfo(Path.Combine(MountPath, "password"));
        var linkWrittenAt = linkBefore.LastWriteTimeUtc;

        Assert.True(writer.Write(new Dictionary<string, string> { ["password"] = "p2" }));

        var second = writer.CurrentDataDirectory!;
        Assert.NotEqual(first, second);
        Assert.False(Directory.Exists(Path.Combine(MountPath, first)));
        Assert.Equal("p2", File.ReadAllText(Path.Combine(MountPath, "password")));
        Assert.Equal(linkWrittenAt, new FileInfo(Path.Combine(MountPath, "password")).LastWriteTimeUtc);
    }

    [Fact]
    public void AnUnchangedPayloadPublishesNothingAndOnlyHealsMissingLinks()
    {
        var writer = new KubernetesVolumeWriter(MountPath);
        var payload = new Dictionary<string, string> { ["password"] = "same", ["username"] = "app" };
        writer.Write(payload);
        var before = writer.CurrentDataDirectory;
        File.Delete(Path.Combine(MountPath, "username"));

        Assert.False(writer.Write(payload));

        Assert.Equal(before, writer.CurrentDataDirectory);
        Assert.Equal("..data/username", new FileInfo(Path.Combine(MountPath, "username")).LinkTarget);
    }

    [Fact]
    public void ARemovedKeyLosesItsVisibleLink()
    {
        var writer = new KubernetesVolumeWriter(MountPath);
        writer.Write(new Dictionary<string, string> { ["password"] = "p", ["apikey"] = "k" });

        writer.Write(new Dictionary<string, string> { ["password"] = "p" });

        Assert.False(File.Exists(Path.Combine(MountPath, "apikey")));
        Assert.Null(new FileInfo(Path.Combine(MountPath, "apikey")).LinkTarget);
        Assert.True(File.Exists(Path.Combine(MountPath, "password")));
    }

    [Fact]
    public void ANestedPathGetsOneVisibleLinkForItsTopDirectory()
    {
        var writer = new KubernetesVolumeWriter(MountPath);

        writer.Write(new Dictionary<string, string> { ["tls/cert.pem"] = "CERT", ["tls/key.pem"] = "KEY" });

        Assert.Equal("..data/tls", new FileInfo(Path.Combine(MountPath, "tls")).LinkTarget);
        Assert.Equal("CERT", File.ReadAllText(Path.Combine(MountPath, "tls", "cert.pem")));
        Assert.Null(new FileInfo(Path.Combine(MountPath, "tls", "cert.pem")).LinkTarget);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("..data")]
    [InlineData("..hidden")]
    [InlineData("a/../b")]
    [InlineData("a//b")]
    public void InvalidPathsAreRejectedBeforeAnythingIsWritten(string path)
    {
        var writer = new KubernetesVolumeWriter(MountPath);

        Assert.Throws<ArgumentException>(() => writer.Write(new Dictionary<string, string> { [path] = "x" }));

        Assert.False(Directory.Exists(MountPath) && Directory.EnumerateFileSystemEntries(MountPath).Any());
    }

    [Fact]
    public async Task AWatcherOnTheMountSeesTheRenameOfDataTmpOverDataAndNoEventForTheVisibleNames()
    {
        var writer = new KubernetesVolumeWriter(MountPath);
        writer.Write(new Dictionary<string, string> { ["password"] = "p1" });
        var events = new ConcurrentQueue<string>();
        var oldDirectoryDeleted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var oldDirectory = writer.CurrentDataDirectory!;
        using var watcher = new FileSystemWatcher(MountPath) { IncludeSubdirectories = false };
        watcher.Created += (_, e) => events.Enqueue($"Created {e.Name}");
        watcher.Deleted += (_, e) =>
        {
            events.Enqueue($"Deleted {e.Name}");
            if (e.Name == oldDirectory)
            {
                oldDirectoryDeleted.TrySetResult();
            }
        };
        watcher.Changed += (_, e) => events.Enqueue($"Changed {e.Name}");
        watcher.Renamed += (_, e) => events.Enqueue($"Renamed {e.OldName} -> {e.Name}");
        watcher.EnableRaisingEvents = true;

        writer.Write(new Dictionary<string, string> { ["password"] = "p2" });
        await oldDirectoryDeleted.Task.WithTimeout("the old directory's deletion event");

        var seen = events.ToArray();
        Assert.Contains($"Created {writer.CurrentDataDirectory}", seen);
        Assert.Contains("Created ..data_tmp", seen);
        Assert.Contains("Renamed ..data_tmp -> ..data", seen);
        Assert.DoesNotContain(seen, e => e.EndsWith(" password", StringComparison.Ordinal));
        var order = seen.ToList();
        Assert.True(order.IndexOf("Created ..data_tmp") < order.IndexOf("Renamed ..data_tmp -> ..data"));
        Assert.True(order.IndexOf("Renamed ..data_tmp -> ..data") < order.IndexOf($"Deleted {oldDirectory}"));
    }

    [GeneratedRegex(@"^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d{1,10}$")]
    private static partial Regex TimestampedName();
}
