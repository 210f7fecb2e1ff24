using SecretRotation.TestSupport;

namespace SecretRotation.Cli.Tests.FirstHour;

/// <summary>The library's first-hour messages reach the tool's user as usage errors (exit 2).</summary>
public sealed class WrongSourceArgumentTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AFileGivenAsAVolumeSaysItIsAFile()
    {
        var file = _directory.Combine("app.json");
        File.WriteAllText(file, "{}");

        var result = await CliHarness.RunWithoutContextAsync("watch", "--volume", file, "--max-events", "1");

        Assert.Equal(ExitCodes.BadArguments, result.ExitCode);
        Assert.Contains($"'{file}' is a file, not a directory", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("watch", "--vault-uri", "http://kv.vault.azure.net/")]
    [InlineData("watch", "--vault-uri", "kv.vault.azure.net")]
    [InlineData("rotate", "--name", "a", "--vault-uri", "http://kv.vault.azure.net/")]
    public async Task AVaultUriThatIsNotHttpsShowsTheExpectedForm(params string[] args)
    {
        var result = await CliHarness.RunWithoutContextAsync(args);

        Assert.Equal(ExitCodes.BadArguments, result.ExitCode);
        Assert.Contains("is not an https:// URL such as https://<name>.vault.azure.net/", result.Error, StringComparison.Ordinal);
    }
}
