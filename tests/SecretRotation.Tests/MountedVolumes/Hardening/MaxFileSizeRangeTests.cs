using Microsoft.Extensions.Configuration;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.MountedVolumes.Hardening;

/// <summary>
/// <c>MaxFileSize</c> is checked where it is set (1 byte to 256 MiB): <c>long.MaxValue</c> once overflowed the read
/// buffer's size and made every file read as empty.
/// </summary>
public sealed class MaxFileSizeRangeTests : IDisposable
{
    private const long LargestAllowed = 256L * 1024 * 1024;

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(LargestAllowed + 1)]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void AMaxFileSizeOutsideTheAllowedRangeIsRejectedWhereItIsSetNamingTheRange(long value)
    {
        var directorySource = new MountedSecretsSource();
        var fileSource = new MountedSecretsFileSource();

        var directoryFailure = Assert.Throws<ArgumentOutOfRangeException>(() => directorySource.MaxFileSize = value);
        var fileFailure = Assert.Throws<ArgumentOutOfRangeException>(() => fileSource.MaxFileSize = value);

        foreach (var failure in new[] { directoryFailure, fileFailure })
        {
            Assert.Equal("MaxFileSize", failure.ParamName);
            Assert.Contains("between 1 and 268435456", failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheLargestAllowedMaxFileSizeStillReadsEveryFile()
    {
        var mount = _directory.Combine("secrets");
        Directory.CreateDirectory(mount);
        File.WriteAllText(Path.Combine(mount, "Password"), "not-empty");
        var rendered = _directory.Combine("app.env");
        File.WriteAllText(rendered, "Token=also-not-empty");

        using var configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .AddMountedSecrets(mount, s => s.MaxFileSize = LargestAllowed)
            .AddMountedSecretsFile(rendered, s => s.MaxFileSize = LargestAllowed)
            .Build();

        Assert.Equal("not-empty", configuration["Password"]);
        Assert.Equal("also-not-empty", configuration["Token"]);
    }
}
