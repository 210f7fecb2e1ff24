using SecretRotation.Cli.Rotate;
using SecretRotation.Cli.Watch;

namespace SecretRotation.Cli.Tests;

/// <summary>Generated values, fingerprints and durations.</summary>
public sealed class SecretGeneratorTests
{
    [Theory]
    [InlineData("alnum", 62)]
    [InlineData("alnum-symbols", 76)]
    [InlineData("hex", 16)]
    [InlineData("base64url", 64)]
    public void ValuesHaveTheLengthAndUseTheWholeAlphabet(string name, int size)
    {
        var alphabet = SecretGenerator.ParseAlphabet(name);
        var characters = SecretGenerator.Characters(alphabet);
        Assert.Equal(size, characters.Distinct().Count());

        var seen = new HashSet<char>();
        for (var i = 0; i < 200; i++)
        {
            var value = SecretGenerator.Generate(57, alphabet);
            Assert.Equal(57, value.Length);
            Assert.All(value, c => Assert.Contains(c, characters));
            seen.UnionWith(value);
        }

        // 11,400 draws from at most 76 characters: missing one has a probability below 1e-60.
        Assert.Equal(size, seen.Count);
    }

    [Fact]
    public void TwoValuesDiffer() =>
        Assert.NotEqual(SecretGenerator.Generate(32, SecretAlphabet.Alnum), SecretGenerator.Generate(32, SecretAlphabet.Alnum));

    [Fact]
    public void TheFingerprintIs12LowerCaseHexCharacters()
    {
        Assert.Matches("^[0-9a-f]{12}$", Fingerprint.Of("abc"));
        Assert.Equal(Fingerprint.Length, Fingerprint.Of(string.Empty).Length);
    }

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("30s", 30_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("00:00:10", 10_000)]
    public void DurationsParse(string text, int milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0s")]
    [InlineData("-5s")]
    [InlineData("soon")]
    [InlineData("5 minutes")]
    public void BadDurationsDoNotParse(string text) => Assert.False(DurationParser.TryParse(text, out _));

    [Theory]
    [InlineData(200, "200ms")]
    [InlineData(30_000, "30s")]
    [InlineData(90_000, "90s")]
    [InlineData(300_000, "5m")]
    [InlineData(7_200_000, "2h")]
    public void DurationsAreWrittenAsTyped(int milliseconds, string text) =>
        Assert.Equal(text, DurationParser.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
