using SecretRotation.VaultMirror.Configuration;

namespace SecretRotation.VaultMirror.Tests;

public sealed class OptionsValidatorTests
{
    [Fact]
    public void EmptyOptionsNameEveryMissingSetting()
    {
        var problems = MirrorOptionsValidator.Check(new MirrorOptions());

        Assert.Contains(problems, p => p.Contains("Mirror:KeyVaultUri", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Mirror:VaultAddress", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Mirror:Auth:Role", StringComparison.Ordinal));
    }

    [Fact]
    public void TokenIsNeverQuoted()
    {
        var options = new MirrorOptions
        {
            KeyVaultUri = new Uri("http://insecure.example"),
            VaultAddress = new Uri("https://vault.example:8200"),
            Auth = new MirrorAuthOptions { Method = VaultAuthKind.Token, Token = "hvs.supersecret" },
        };
        options.EventKeys.Add("short");

        var problems = MirrorOptionsValidator.Check(options);

        Assert.Equal(2, problems.Count);
        Assert.DoesNotContain(problems, p => p.Contains("supersecret", StringComparison.Ordinal) || p.Contains("short'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0.0, 300)]
    [InlineData(0.999999, 330)]
    [InlineData(0.5, 300)]
    public void PollDelayIsJitteredAroundTheInterval(double random, int expectedSeconds)
    {
        var delay = Hosting.MirrorWorker.NextDelay(TimeSpan.FromMinutes(5), 0.1, random);

        Assert.InRange(delay.TotalSeconds, expectedSeconds - 30.5, expectedSeconds + 0.5);
    }
}
