using Microsoft.Extensions.Configuration;
using SecretRotation.Testing;
using SecretRotation.Tests.Support;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.MountedVolumes.Hardening;

/// <summary>
/// A FIFO (or socket, or device) in the mount: opening one for reading blocks until a writer comes, so only regular
/// files are read; others are skipped with one warning per name, and start-up and later rotations go on.
/// </summary>
public sealed class SpecialFileTests : IDisposable
{
    private const int NotARegularFileEventId = 24;

    private readonly TemporaryDirectory _directory = new();
    private readonly CapturingLoggerProvider _logs = new();

    private string MountPath => _directory.Combine("secrets");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AFifoInAPlainDirectoryIsSkippedWithOneWarningAndRotationsAreStillSeen()
    {
        Directory.CreateDirectory(MountPath);
        File.WriteAllText(Path.Combine(MountPath, "Password"), "password-1");
        UnixFileSystem.CreateFifo(Path.Combine(MountPath, "Pipe"));

        using var configuration = await BuildAsync();
        using var reloads = new ReloadProbe(configuration);

        Assert.Equal("password-1", configuration["Db:Password"]);
        Assert.Null(configuration["Db:Pipe"]);
        AssertOneWarningNaming("Pipe");

        File.WriteAllText(Path.Combine(MountPath, "Password"), "password-2");
        await reloads.WaitAsync(() => configuration["Db:Password"] == "password-2", "the rotated password");

        File.WriteAllText(Path.Combine(MountPath, "Password"), "password-3");
        await configuration.GetSecretRefreshers().Single().RefreshAsync().WithTimeout("a manual refresh");
        Assert.Equal("password-3", configuration["Db:Password"]);
        AssertOneWarningNaming("Pipe");
    }

    [Fact]
    public async Task AFifoInAKubeletVolumeIsSkippedWithOneWarningAndRotationsAreStillSeen()
    {
        var writer = new KubernetesVolumeWriter(MountPath);
        writer.Write(new Dictionary<string, string> { ["User"] = "app", ["Password"] = "password-1" });
        UnixFileSystem.CreateFifo(Path.Combine(MountPath, writer.CurrentDataDirectory!, "Pipe"));

        using var configuration = await BuildAsync();
        using var probe = new OptionsProbe(configuration, "Db");

        Assert.Equal("password-1", configuration["Db:Password"]);
        Assert.Equal("app", configuration["Db:User"]);
        Assert.Null(configuration["Db:Pipe"]);
        AssertOneWarningNaming("Pipe");

        writer.Write(new Dictionary<string, string> { ["User"] = "app", ["Password"] = "password-2" });
        await probe.WaitForAsync(o => o.Password == "password-2", "the rotated password");

        // The same name in the next data directory is not warned about again.
        UnixFileSystem.CreateFifo(Path.Combine(MountPath, writer.CurrentDataDirectory!, "Pipe"));
        await configuration.GetSecretRefreshers().Single().RefreshAsync().WithTimeout("a manual refresh");
        Assert.Equal("password-2", configuration["Db:Password"]);
        Assert.Null(configuration["Db:Pipe"]);
        AssertOneWarningNaming("Pipe");
    }

    [Fact]
    public async Task ARenderedSecretsFileThatIsAFifoFailsTheReadNamingThePath()
    {
        Directory.CreateDirectory(MountPath);
        var path = Path.Combine(MountPath, "app.env");
        UnixFileSystem.CreateFifo(path);

        var failure = await Assert.ThrowsAsync<SecretSourceException>(() => Task.Run(() =>
            new ConfigurationBuilder().AddMountedSecretsFile(path, s => s.LoggerFactory = _logs.CreateFactory()).Build()).WithTimeout("start-up"));

        Assert.Contains(path, failure.ToString(), StringComparison.Ordinal);
        Assert.Contains("regular file", failure.ToString(), StringComparison.Ordinal);
    }

    private void AssertOneWarningNaming(string name)
    {
        var warning = Assert.Single(_logs.Entries, e => e.EventId.Id == NotARegularFileEventId);
        Assert.Contains($"'{name}'", warning.Message, StringComparison.Ordinal);
    }

    // Start-up on another thread with a timeout: before regular files were checked, it never returned.
    private Task<ConfigurationRoot> BuildAsync() =>
        Task.Run(() => (ConfigurationRoot)new ConfigurationBuilder()
            .AddMountedSecrets(MountPath, s =>
            {
                s.KeyPrefix = "Db";
                s.LoggerFactory = _logs.CreateFactory();
            })
            .Build()).WithTimeout("start-up with a FIFO in the mount");
}
