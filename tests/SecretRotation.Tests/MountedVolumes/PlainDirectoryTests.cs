using Microsoft.Extensions.Configuration;
using SecretRotation.Tests.Support;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.MountedVolumes;

/// <summary>Directories written in place or by rename (Vault Agent), and the safety rules every directory follows.</summary>
public sealed class PlainDirectoryTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly CapturingLoggerProvider _logs = new();

    public PlainDirectoryTests()
    {
        Directory.CreateDirectory(MountPath);
    }

    private string MountPath => _directory.Combine("secrets");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AFileRewrittenInPlaceIsReloaded()
    {
        Write("Password", "in-place-1");
        using var configuration = Build();
        using var reloads = new ReloadProbe(configuration);

        File.WriteAllText(Path.Combine(MountPath, "Password"), "in-place-2");

        await reloads.WaitAsync(() => configuration["Password"] == "in-place-2", "the rewritten file");
    }

    [Fact]
    public async Task AFileRenamedIntoTheDirectoryIsReloaded()
    {
        Write("Password", "renamed-1");
        using var configuration = Build();
        using var reloads = new ReloadProbe(configuration);

        var temp = Path.Combine(MountPath, ".Password.tmp");
        File.WriteAllText(temp, "renamed-2");
        File.Move(temp, Path.Combine(MountPath, "Password"), overwrite: true);

        await reloads.WaitAsync(() => configuration["Password"] == "renamed-2", "the renamed-in file");
        Assert.Equal(1, reloads.Count);
    }

    [Fact]
    public async Task AFileInASubfolderIsWatchedToo()
    {
        Directory.CreateDirectory(Path.Combine(MountPath, "Db"));
        Write("Db/Password", "nested-1");
        using var configuration = Build();
        using var reloads = new ReloadProbe(configuration);

        Write("Db/Password", "nested-2");

        await reloads.WaitAsync(() => configuration["Db:Password"] == "nested-2", "the nested file");
    }

    [Fact]
    public void FileNamesMapToKeysUnderTheOptionalPrefix()
    {
        Write("ConnectionStrings__Main", "Server=db");
        Directory.CreateDirectory(Path.Combine(MountPath, "Logging"));
        Write("Logging/Level", "Debug");
        Write(".env-backup", "ignored");
        Directory.CreateDirectory(Path.Combine(MountPath, ".git"));
        Write(".git/config", "ignored");

        using var configuration = Build(s => s.KeyPrefix = "App");

        Assert.Equal("Server=db", configuration["App:ConnectionStrings:Main"]);
        Assert.Equal("Debug", configuration["App:Logging:Level"]);
        Assert.Equal(2, configuration.AsEnumerable().Count(pair => pair.Value is not null));
    }

    [Theory]
    [InlineData("value\n", true, "value")]
    [InlineData("value\r\n", true, "value")]
    [InlineData("value\n\n", true, "value\n")]
    [InlineData("value", true, "value")]
    [InlineData("value\n", false, "value\n")]
    public void OneTrailingNewlineIsTrimmedUnlessTurnedOff(string content, bool trim, string expected)
    {
        Write("Password", content);

        using var configuration = Build(s => s.TrimTrailingNewline = trim);

        Assert.Equal(expected, configuration["Password"]);
    }

    [Fact]
    public void ALinkThatResolvesOutsideTheMountIsIgnored()
    {
        var outside = _directory.Combine("outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "shadow"), "outside-secret");
        File.CreateSymbolicLink(Path.Combine(MountPath, "Stolen"), Path.Combine(outside, "shadow"));
        Directory.CreateSymbolicLink(Path.Combine(MountPath, "StolenDir"), outside);
        Write("Real", "inside-value");
        File.CreateSymbolicLink(Path.Combine(MountPath, "Alias"), "Real");

        using var configuration = Build();

        Assert.Null(configuration["Stolen"]);
        Assert.Null(configuration["StolenDir:shadow"]);
        Assert.Equal("inside-value", configuration["Real"]);
        Assert.Equal("inside-value", configuration["Alias"]);
        Assert.Equal(2, _logs.Entries.Count(e => e.EventId.Id == 21));
        Assert.DoesNotContain("outside-secret", _logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public void AFileOverTheSizeCapIsSkippedWithAWarning()
    {
        Write("Big", new string('x', 65));
        Write("Small", "fits");

        using var configuration = Build(s => s.MaxFileSize = 64);

        Assert.Null(configuration["Big"]);
        Assert.Equal("fits", configuration["Small"]);
        var warning = Assert.Single(_logs.Entries, e => e.EventId.Id == 20);
        Assert.Contains("Big", warning.Message, StringComparison.Ordinal);
        Assert.Contains("65 bytes", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDefaultSizeCapIsTheKubernetesSecretLimit()
    {
        Write("Max", new string('a', 1024 * 1024));
        Write("Over", new string('b', (1024 * 1024) + 1));

        using var configuration = Build();

        Assert.Equal(1024 * 1024, configuration["Max"]!.Length);
        Assert.Null(configuration["Over"]);
    }

    [Fact]
    public async Task ADanglingLinkFailsTheRefreshAndKeepsEveryKey()
    {
        Write("User", "app");
        Write("Password", "kept");
        using var configuration = Build();
        var refresher = configuration.GetSecretRefreshers().Single();

        // One rename swaps the file for a dangling link, so the watcher can never see the key merely missing.
        File.CreateSymbolicLink(Path.Combine(MountPath, ".Password.tmp"), Path.Combine(MountPath, "gone"));
        File.Move(Path.Combine(MountPath, ".Password.tmp"), Path.Combine(MountPath, "Password"), overwrite: true);
        var failure = await Assert.ThrowsAsync<SecretSourceException>(() => refresher.RefreshAsync());

        Assert.Contains("Password", failure.Message, StringComparison.Ordinal);
        Assert.Equal("kept", configuration["Password"]);
        Assert.Equal("app", configuration["User"]);
    }

    [Fact]
    public void TwoFilesMappingToOneKeyFailTheLoadNamingTheKey()
    {
        Write("Db__Password", "first-candidate-value");
        Directory.CreateDirectory(Path.Combine(MountPath, "Db"));
        Write("Db/Password", "two");

        var exception = Assert.Throws<SecretSourceException>(() => Build());

        Assert.Contains("Db:Password", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("first-candidate-value", exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void SettingsOutOfRangeAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Build(s => s.MaxFileSize = 0));
        Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddMountedSecrets(_ => { }).Build());
    }

    private void Write(string relativePath, string content) => File.WriteAllText(Path.Combine(MountPath, relativePath), content);

    private ConfigurationRoot Build(Action<MountedSecretsSource>? configure = null) =>
        (ConfigurationRoot)new ConfigurationBuilder()
            .AddMountedSecrets(MountPath, s =>
            {
                s.LoggerFactory = _logs.CreateFactory();
                configure?.Invoke(s);
            })
            .Build();
}
