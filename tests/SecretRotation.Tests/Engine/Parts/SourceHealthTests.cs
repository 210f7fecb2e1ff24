using SecretRotation.Engine;

namespace SecretRotation.Tests.Engine.Parts;

public sealed class SourceHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void FailuresCountUpAndAFullReadEndsThem()
    {
        var health = new SourceHealth("scripted", optional: true, TimeSpan.FromDays(1));

        Assert.Equal(1, health.OnFailure(Now, "first"));
        Assert.Equal(2, health.OnFailure(Now.AddSeconds(1), "second"));
        var failing = health.Snapshot(SecretSet.Empty, Now);
        Assert.Equal(("scripted", true, false, 2, "second", (DateTimeOffset?)Now.AddSeconds(1), (DateTimeOffset?)null),
            (failing.SourceName, failing.IsOptional, failing.HasLoaded, failing.ConsecutiveFailures, failing.LastError, failing.LastFailure, failing.LastSuccess));

        Assert.Equal(2, health.OnSuccess(RefreshTriggers.Retry, Now.AddSeconds(2), now: 42));

        var healthy = health.Snapshot(Set(E("a", "1")), Now);
        Assert.Equal((true, 1, 0, (string?)null, (DateTimeOffset?)Now.AddSeconds(2), (long?)42),
            (healthy.HasLoaded, healthy.KeyCount, healthy.ConsecutiveFailures, healthy.LastError, healthy.LastSuccess, health.LastSuccessTimestamp));
        Assert.Equal(Now.AddSeconds(1), healthy.LastFailure);
    }

    [Fact]
    public void AChangeNoticeReadDoesNotEndTheFailuresOfAFullRead()
    {
        var health = new SourceHealth("scripted", optional: false, TimeSpan.FromDays(1));
        health.OnFailure(Now, "down");

        Assert.Equal(0, health.OnSuccess(RefreshTriggers.ChangeNotice, Now.AddSeconds(1), now: 7));

        Assert.True(health.HasLoaded);
        Assert.Equal(1, health.ConsecutiveFailures);
        Assert.Equal("down", health.LastError);
        Assert.Equal(Now.AddSeconds(1), health.LastSuccess);
    }

    [Fact]
    public void KeysNearExpiryAreThoseWithinTheWindowOrExpiredSorted()
    {
        var health = new SourceHealth("scripted", optional: false, TimeSpan.FromDays(7));
        var set = Set(
            E("later", "1", "v1", Now.AddDays(8)),
            E("Soon", "1", "v1", Now.AddDays(7)),
            E("expired", "1", "v1", Now.AddDays(-1)),
            E("never", "1", "v1", null));

        Assert.Equal(["expired", "Soon"], health.KeysNearExpiry(set, Now));
        Assert.Equal(["expired", "Soon"], health.Snapshot(set, Now).KeysNearExpiry);
    }

    [Fact]
    public void AWarningIsGivenOncePerKeyAndVersion()
    {
        var health = new SourceHealth("scripted", optional: false, TimeSpan.FromDays(7));
        var expiresOn = Now.AddDays(1);

        Assert.Equal(["a", "b"], Keys(health.TakeNewExpiryWarnings(Set(E("a", "1", "v1", expiresOn), E("b", "1", "v1", expiresOn)), Now)));
        Assert.Empty(health.TakeNewExpiryWarnings(Set(E("a", "1", "v1", expiresOn), E("b", "1", "v1", expiresOn)), Now));
        Assert.Equal(["b"], Keys(health.TakeNewExpiryWarnings(Set(E("a", "1", "v1", expiresOn), E("b", "2", "v2", expiresOn)), Now)));
    }

    [Fact]
    public void WhatIsNoLongerLoadedIsForgottenSoTheMemoryStaysBounded()
    {
        var health = new SourceHealth("scripted", optional: false, TimeSpan.FromDays(7));
        var expiresOn = Now.AddDays(1);
        for (var version = 0; version < 500; version++)
        {
            Assert.Single(health.TakeNewExpiryWarnings(Set(E("a", "1", $"v{version}", expiresOn)), Now));
            Assert.Equal(1, health.ExpiryWarningsRemembered);
        }

        // Gone, or moved out of the window: forgotten, and warned about again if it comes back near expiry.
        health.TakeNewExpiryWarnings(SecretSet.Empty, Now);
        Assert.Equal(0, health.ExpiryWarningsRemembered);
        health.TakeNewExpiryWarnings(Set(E("a", "1", "v0", expiresOn)), Now);
        health.TakeNewExpiryWarnings(Set(E("a", "1", "v0", Now.AddDays(30))), Now);
        Assert.Equal(0, health.ExpiryWarningsRemembered);
        Assert.Single(health.TakeNewExpiryWarnings(Set(E("a", "1", "v0", expiresOn)), Now));
    }

    private static List<string> Keys(List<(string Key, SecretEntry Entry)> warnings) => warnings.Select(w => w.Key).Order(StringComparer.Ordinal).ToList();

    private static SecretSet Set(params KeyValuePair<string, SecretEntry>[] entries) => new(entries);

    private static KeyValuePair<string, SecretEntry> E(string key, string value, string? version = null, DateTimeOffset? expiresOn = null) =>
        new(key, new SecretEntry(value, version, expiresOn: expiresOn));
}
