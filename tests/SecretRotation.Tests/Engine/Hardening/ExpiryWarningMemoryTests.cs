using SecretRotation.Tests.Support;

namespace SecretRotation.Tests.Engine.Hardening;

/// <summary>The engine remembers which near-expiry secrets it warned about only for what is loaded, not for every version ever seen.</summary>
public sealed class ExpiryWarningMemoryTests
{
    private const int NearExpiryEvent = 8;

    [Fact]
    public async Task AfterManyReloadsWithNewVersionsTheRememberedWarningsStayBoundedByTheLoadedKeys()
    {
        var source = new ScriptedSecretSource();
        var reads = 0;
        var keyCount = 20;
        source.Next = _ =>
        {
            var read = ++reads;
            var expiresOn = source.Clock.GetUtcNow() + TimeSpan.FromDays(1);
            return new SecretSet(Enumerable.Range(0, keyCount).Select(key =>
                new KeyValuePair<string, SecretEntry>($"secret{key}", new SecretEntry($"value-{read}", $"v{read}", expiresOn: expiresOn))));
        };
        using var harness = new EngineHarness(source);

        for (var i = 0; i < 200; i++)
        {
            await harness.Refresher.RefreshAsync();
        }

        Assert.Equal(20, harness.Provider.ExpiryWarningsRemembered);
        Assert.Equal(20 * 201, harness.Logs.Entries.Count(e => e.EventId.Id == NearExpiryEvent));

        keyCount = 5;
        await harness.Refresher.RefreshAsync();
        Assert.Equal(5, harness.Provider.ExpiryWarningsRemembered);
    }

    [Fact]
    public async Task ANearExpiryWarningIsGivenOncePerKeyAndVersion()
    {
        var source = new ScriptedSecretSource();
        using var harness = new EngineHarness(source);
        var expiresOn = harness.Time.GetUtcNow() + TimeSpan.FromDays(3);
        SecretSet Versions(string a, string b) => new(
        [
            new("a", new SecretEntry("1", a, expiresOn: expiresOn)),
            new("b", new SecretEntry("2", b, expiresOn: expiresOn)),
        ]);

        source.ReturnAlways(Versions("a1", "b1"));
        await harness.Refresher.RefreshAsync();
        source.ReturnAlways(Versions("a1", "b1"));
        await harness.Refresher.RefreshAsync();
        source.ReturnAlways(Versions("a2", "b1"));
        await harness.Refresher.RefreshAsync();
        source.ReturnAlways(Versions("a2", "b1"));
        await harness.Refresher.RefreshAsync();

        var warned = harness.Logs.Entries.Where(e => e.EventId.Id == NearExpiryEvent).Select(e => e.StateValues).ToList();
        Assert.Equal(3, warned.Count);
        Assert.Single(warned, w => w.Contains("Key=a", StringComparison.Ordinal) && w.Contains("Version=a1", StringComparison.Ordinal));
        Assert.Single(warned, w => w.Contains("Key=a", StringComparison.Ordinal) && w.Contains("Version=a2", StringComparison.Ordinal));
        Assert.Single(warned, w => w.Contains("Key=b", StringComparison.Ordinal) && w.Contains("Version=b1", StringComparison.Ordinal));
        Assert.Equal(2, harness.Provider.ExpiryWarningsRemembered);
    }
}
