using SecretRotation.Cli.Watch;

namespace SecretRotation.Cli.Tests.FirstHour;

/// <summary>A duration without a unit is refused with the accepted forms (TimeSpan would have read "5" as five days).</summary>
public sealed class DurationUnitTests
{
    [Theory]
    [InlineData("5")]
    [InlineData("30")]
    [InlineData("1.5")]
    public void ANumberWithoutAUnitDoesNotParse(string text) => Assert.False(DurationParser.TryParse(text, out _));

    [Fact]
    public async Task PollIntervalWithoutAUnitIsRefusedWithTheAcceptedForms()
    {
        var result = await CliHarness.RunWithoutContextAsync("watch", "--volume", "/tmp", "--poll-interval", "5");

        Assert.Equal(ExitCodes.BadArguments, result.ExitCode);
        Assert.Contains("'5' has no unit for --poll-interval: write e.g. 5s or 5m (accepted: 500ms, 30s, 5m, 1h or 00:05:00)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimeoutWithoutAUnitIsRefused()
    {
        var result = await CliHarness.RunWithoutContextAsync("watch", "--volume", "/tmp", "--timeout", "90");

        Assert.Equal(ExitCodes.BadArguments, result.ExitCode);
        Assert.Contains("'90' has no unit for --timeout", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheHelpShowsTheAcceptedForms()
    {
        var result = await CliHarness.RunWithoutContextAsync("watch", "--help");

        Assert.Contains("00:05:00", result.Out, StringComparison.Ordinal);
        Assert.Contains("a unit is required", result.Out, StringComparison.Ordinal);
    }
}
