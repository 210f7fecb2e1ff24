using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.Engine;
using SecretRotation.MountedVolumes;
using SecretRotation.Testing;
using SecretRotation.Tests.Support;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.MountedVolumes;

/// <summary>
/// The fallback poll of a kubelet volume reads only the <c>..data</c> link; a directory without one is walked, and every
/// file's size and time compared, as before. Real files and links; the watcher is off (inotify lost), the poll runs on a
/// fake clock.
/// </summary>
public sealed class DataLinkPollTests : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(10);

    private readonly TemporaryDirectory _directory = new();
    private readonly FakeTimeProvider _time = new();
    private readonly CapturingLoggerProvider _logs = new();

    private string MountPath => _directory.Combine("db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task APollOfAKubeletVolumeReadsOnlyTheDataLinkAndStillCatchesASwap()
    {
        var writer = new KubernetesVolumeWriter(MountPath);
        writer.Write(Payload("app", "password-1"));
        using var configuration = Build();
        var (provider, reader) = Parts(configuration);
        Assert.Equal(1, reader.DirectoryWalks);

        for (var i = 0; i < 3; i++)
        {
            await PollAsync(provider);
        }

        Assert.Equal(1, reader.DirectoryWalks);
        Assert.Equal(_time.GetUtcNow(), provider.Status.LastSuccess);

        writer.Write(Payload("app", "password-2"));
        await PollAsync(provider);

        Assert.Equal("password-2", configuration["Db:Password"]);
        Assert.Equal(2, reader.DirectoryWalks);

        await PollAsync(provider);
        Assert.Equal(2, reader.DirectoryWalks);
    }

    [Fact]
    public async Task APlainDirectoryIsWalkedOnEveryPollAndAnInPlaceWriteIsSeen()
    {
        Directory.CreateDirectory(MountPath);
        await File.WriteAllTextAsync(Path.Combine(MountPath, "User"), "app");
        await File.WriteAllTextAsync(Path.Combine(MountPath, "Password"), "plain-1");
        using var configuration = Build();
        var (provider, reader) = Parts(configuration);

        await PollAsync(provider);
        await PollAsync(provider);
        Assert.Equal(3, reader.DirectoryWalks);

        await File.WriteAllTextAsync(Path.Combine(MountPath, "Password"), "plain-2, longer");
        await PollAsync(provider);

        Assert.Equal("plain-2, longer", configuration["Db:Password"]);
        Assert.Equal(4, reader.DirectoryWalks);
    }

    [Fact]
    public async Task ACsiStyleDirectoryWithoutADataLinkIsWalkedAndAFileRenamedInIsSeen()
    {
        // A CSI driver without the atomic writer: files, and a nested folder, renamed into place; no ..data anywhere.
        Directory.CreateDirectory(Path.Combine(MountPath, "tls"));
        await File.WriteAllTextAsync(Path.Combine(MountPath, "Password"), "csi-1");
        await File.WriteAllTextAsync(Path.Combine(MountPath, "tls", "cert"), "cert-1");
        using var configuration = Build();
        var (provider, reader) = Parts(configuration);

        var staged = Path.Combine(MountPath, "tls", ".cert.tmp");
        await File.WriteAllTextAsync(staged, "cert-2");
        Assert.True(UnixFileSystem.Rename(staged, Path.Combine(MountPath, "tls", "cert")));
        await PollAsync(provider);

        Assert.Equal("cert-2", configuration["Db:tls:cert"]);
        Assert.Equal("csi-1", configuration["Db:Password"]);
        Assert.Equal(2, reader.DirectoryWalks);
    }

    [Fact]
    public async Task ADataLinkThatVanishesFallsBackToTheFullWalk()
    {
        var writer = new KubernetesVolumeWriter(MountPath);
        writer.Write(Payload("app", "password-1"));
        using var configuration = Build();
        var (provider, reader) = Parts(configuration);
        await PollAsync(provider);
        Assert.Equal(1, reader.DirectoryWalks);

        // The volume becomes a plain directory: no ..data, no visible links, files of its own.
        File.Delete(Path.Combine(MountPath, "..data"));
        File.Delete(Path.Combine(MountPath, "User"));
        File.Delete(Path.Combine(MountPath, "Password"));
        await File.WriteAllTextAsync(Path.Combine(MountPath, "User"), "app");
        await File.WriteAllTextAsync(Path.Combine(MountPath, "Password"), "plain-after-link");
        await PollAsync(provider);

        Assert.Equal("plain-after-link", configuration["Db:Password"]);
        Assert.Equal(2, reader.DirectoryWalks);

        // And it stays walked: an in-place write is seen by the next poll.
        await File.WriteAllTextAsync(Path.Combine(MountPath, "Password"), "plain-in-place, longer");
        await PollAsync(provider);
        Assert.Equal("plain-in-place, longer", configuration["Db:Password"]);
        Assert.Equal(3, reader.DirectoryWalks);
    }

    [Fact]
    public async Task ADataLinkSwappedToADirectoryOutsideTheMountIsRefusedOnEveryPoll()
    {
        const string Canary = "outside-canary-4b1e";
        var writer = new KubernetesVolumeWriter(MountPath);
        writer.Write(Payload("app", "password-1"));
        var outside = _directory.Combine("outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "Password"), Canary);
        using var configuration = Build();
        var (provider, _) = Parts(configuration);

        SwapDataLink(outside);
        for (var i = 0; i < 3; i++)
        {
            await PollAsync(provider);
            Assert.Equal("password-1", configuration["Db:Password"]);
            Assert.Equal(i + 1, provider.Status.ConsecutiveFailures);
        }

        Assert.DoesNotContain(Canary, _logs.AllText(), StringComparison.Ordinal);
        Assert.Contains("resolves outside the mount", provider.Status.LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4000)]
    [InlineData(1)]
    public async Task ADataLinkWithAnOddTargetFailsTheReadAndKeepsTheLastGoodData(int targetLength)
    {
        // A dangling target: 4,000 characters (near PATH_MAX), or one character.
        var writer = new KubernetesVolumeWriter(MountPath);
        writer.Write(Payload("app", "password-1"));
        using var configuration = Build();
        var (provider, reader) = Parts(configuration);

        SwapDataLink(string.Concat(Enumerable.Repeat("x/", targetLength / 2)).TrimEnd('/').PadRight(targetLength, 'y'));
        await PollAsync(provider);
        await PollAsync(provider);

        Assert.Equal("password-1", configuration["Db:Password"]);
        Assert.Equal(2, provider.Status.ConsecutiveFailures);

        // A real swap afterwards is read (the failed target was never trusted by the poll).
        var next = Path.Combine(MountPath, "..2099_01_01_00_00_00.1");
        Directory.CreateDirectory(next);
        await File.WriteAllTextAsync(Path.Combine(next, "User"), "app");
        await File.WriteAllTextAsync(Path.Combine(next, "Password"), "password-2");
        SwapDataLink("..2099_01_01_00_00_00.1");
        await PollAsync(provider);
        Assert.Equal("password-2", configuration["Db:Password"]);
        Assert.Equal(0, provider.Status.ConsecutiveFailures);
        Assert.True(reader.DirectoryWalks >= 2);
    }

    private static Dictionary<string, string> Payload(string user, string password) => new()
    {
        ["User"] = user,
        ["Password"] = password,
    };

    private static (SecretConfigurationProvider Provider, MountedSecretsReader Reader) Parts(ConfigurationRoot configuration)
    {
        var provider = configuration.Providers.OfType<SecretConfigurationProvider>().Single();
        return (provider, Assert.IsType<MountedSecretsReader>(provider.Source));
    }

    /// <summary>Points <c>..data</c> at <paramref name="target"/> the kubelet's way: a new link renamed over it.</summary>
    private void SwapDataLink(string target)
    {
        var temporary = Path.Combine(MountPath, "..data_tmp");
        File.CreateSymbolicLink(temporary, target);
        Assert.True(UnixFileSystem.Rename(temporary, Path.Combine(MountPath, "..data")));
    }

    /// <summary>Moves the fake clock to the next poll (or retry, both 10 s here) and waits until that read is done.</summary>
    private async Task PollAsync(SecretConfigurationProvider provider)
    {
        await provider.WhenIdleAsync().WithTimeout("the loop to wait");
        _time.Advance(Poll);
        await provider.WhenIdleAsync().WithTimeout("the poll to finish");
    }

    private ConfigurationRoot Build() =>
        (ConfigurationRoot)new ConfigurationBuilder()
            .AddMountedSecrets(MountPath, s =>
            {
                s.KeyPrefix = "Db";
                s.UseFileWatcher = false;
                s.TimeProvider = _time;
                s.PollInterval = Poll;
                s.PollJitter = 0;
                s.MinimumBackoff = Poll;
                s.MaximumBackoff = Poll;
                s.Randomizer = static () => 0.5; // no jitter on the retry either
                s.LoggerFactory = _logs.CreateFactory();
            })
            .Build();
}
