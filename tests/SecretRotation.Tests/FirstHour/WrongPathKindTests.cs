using Microsoft.Extensions.Configuration;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.FirstHour;

/// <summary>
/// A file given to <c>AddMountedSecrets</c>, or a directory given to <c>AddMountedSecretsFile</c>, fails with a message that says
/// what the path is and which call reads it; not "does not exist".
/// </summary>
public sealed class WrongPathKindTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void AFileGivenToAddMountedSecretsSaysItIsAFileAndNamesAddMountedSecretsFile()
    {
        var file = WriteFile("app.json", "{\"Db\":{\"Password\":\"p\"}}");

        var exception = Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddMountedSecrets(file).Build());

        Assert.Contains($"'{file}' is a file, not a directory", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"AddMountedSecretsFile(\"{file}\")", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("does not exist", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileGivenToAnOptionalAddMountedSecretsStillFailsAtBuild()
    {
        var file = WriteFile("password", "p");

        var exception = Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddMountedSecrets(file, optional: true).Build());

        Assert.Contains("is a file, not a directory", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADirectoryGivenToAddMountedSecretsFileSaysItIsADirectoryAndNamesAddMountedSecrets()
    {
        var directory = _directory.Combine("secrets");
        Directory.CreateDirectory(directory);

        var exception = Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddMountedSecretsFile(directory, optional: true).Build());

        Assert.Contains($"'{directory}' is a directory, not a file", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"AddMountedSecrets(\"{directory}\")", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingDirectoryStillSaysItIsNotMounted()
    {
        var missing = _directory.Combine("not-yet");

        var exception = Assert.Throws<SecretSourceException>(() => new ConfigurationBuilder().AddMountedSecrets(missing).Build());

        Assert.Contains("does not exist (not mounted, or unmounted)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOptionalDirectoryThatAppearsAsAFileIsReportedAsAFileOnTheNextRead()
    {
        var path = _directory.Combine("secrets");
        using var configuration = (ConfigurationRoot)new ConfigurationBuilder().AddMountedSecrets(path, optional: true).Build();
        var refresher = configuration.Providers.OfType<ISecretRefresher>().Single();
        File.WriteAllText(path, "not a directory");

        var exception = await Assert.ThrowsAsync<SecretSourceException>(() => refresher.RefreshAsync());

        Assert.Contains("is a file, not a directory", exception.Message, StringComparison.Ordinal);
        Assert.Contains("AddMountedSecretsFile", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOptionalFileThatAppearsAsADirectoryIsReportedAsADirectoryOnTheNextRead()
    {
        var path = _directory.Combine("app.json");
        using var configuration = (ConfigurationRoot)new ConfigurationBuilder().AddMountedSecretsFile(path, optional: true).Build();
        var refresher = configuration.Providers.OfType<ISecretRefresher>().Single();
        Directory.CreateDirectory(path);

        var exception = await Assert.ThrowsAsync<SecretSourceException>(() => refresher.RefreshAsync());

        Assert.Contains("is a directory, not a file", exception.Message, StringComparison.Ordinal);
        Assert.Contains("AddMountedSecrets(", exception.Message, StringComparison.Ordinal);
    }

    private string WriteFile(string name, string content)
    {
        var path = _directory.Combine(name);
        File.WriteAllText(path, content);
        return path;
    }
}
