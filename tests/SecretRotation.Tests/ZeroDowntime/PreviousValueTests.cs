using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SecretRotation.Tests.Support;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.ZeroDowntime;

public sealed class PreviousValueTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task ThePreviousValueIsReadableUntilTheWindowEndsAndThenDropped()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("Webhook:HmacKey", "k1"), ("Other", "o1")));
        using var harness = new EngineHarness(source, s => s.PreviousValueWindow = Window);
        var history = History(harness.Configuration);
        Assert.False(history.TryGetPrevious("Webhook:HmacKey", out _, out _));

        await harness.AdvanceAsync(TimeSpan.FromMinutes(1));
        source.ReturnAlways(ScriptedSecretSource.Set(("Webhook:HmacKey", "k2"), ("Other", "o1")));
        await harness.Refresher.RefreshAsync();
        var changedAt = harness.Time.GetUtcNow();

        Assert.Equal("k2", harness.Configuration["Webhook:HmacKey"]);
        Assert.True(history.TryGetPrevious("webhook:hmackey", out var previous, out var replacedAt));
        Assert.Equal("k1", previous);
        Assert.Equal(changedAt, replacedAt);
        Assert.False(history.TryGetPrevious("Other", out _, out _));

        await harness.AdvanceAsync(Window - TimeSpan.FromTicks(1));
        Assert.True(history.TryGetPrevious("Webhook:HmacKey", out previous, out _));
        Assert.Equal("k1", previous);
        Assert.Equal(1, harness.Provider.PreviousValues.Count);

        // The purge timer drops it from memory when the window ends, before anyone asks.
        await harness.AdvanceAsync(TimeSpan.FromTicks(1));
        Assert.Equal(0, harness.Provider.PreviousValues.Count);
        Assert.False(history.TryGetPrevious("Webhook:HmacKey", out previous, out _));
        Assert.Null(previous);
    }

    [Fact]
    public async Task ASecondChangeReplacesThePreviousValueAndRestartsItsWindow()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("Key", "v1")));
        using var harness = new EngineHarness(source, s => s.PreviousValueWindow = Window);
        var history = History(harness.Configuration);

        source.ReturnAlways(ScriptedSecretSource.Set(("Key", "v2")));
        await harness.Refresher.RefreshAsync();
        await harness.AdvanceAsync(TimeSpan.FromMinutes(4));
        source.ReturnAlways(ScriptedSecretSource.Set(("Key", "v3")));
        await harness.Refresher.RefreshAsync();

        Assert.True(history.TryGetPrevious("Key", out var previous, out var replacedAt));
        Assert.Equal("v2", previous);
        Assert.Equal(harness.Time.GetUtcNow(), replacedAt);

        // The first change's window has passed; the second's has not.
        await harness.AdvanceAsync(TimeSpan.FromMinutes(2));
        Assert.True(history.TryGetPrevious("Key", out previous, out _));
        Assert.Equal("v2", previous);
    }

    [Fact]
    public async Task ARemovedKeyKeepsItsValueAsThePreviousOneAndAnUnchangedReadRecordsNothing()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("Gone", "g1"), ("Stays", "s1")));
        using var harness = new EngineHarness(source, s => s.PreviousValueWindow = Window);
        var history = History(harness.Configuration);

        source.ReturnAlways(ScriptedSecretSource.Set(("Stays", "s1")));
        await harness.Refresher.RefreshAsync();
        source.ReturnAlways(ScriptedSecretSource.Set(("Stays", "s1")));
        await harness.Refresher.RefreshAsync();

        Assert.Null(harness.Configuration["Gone"]);
        Assert.True(history.TryGetPrevious("Gone", out var previous, out _));
        Assert.Equal("g1", previous);
        Assert.False(history.TryGetPrevious("Stays", out _, out _));
        Assert.Equal(1, harness.Provider.PreviousValues.Count);
    }

    [Fact]
    public async Task WithTheWindowOffNothingIsKept()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("Key", "v1")));
        using var harness = new EngineHarness(source);
        var history = History(harness.Configuration);

        source.ReturnAlways(ScriptedSecretSource.Set(("Key", "v2")));
        await harness.Refresher.RefreshAsync();

        Assert.Equal("v2", harness.Configuration["Key"]);
        Assert.False(history.TryGetPrevious("Key", out _, out _));
        Assert.Equal(0, harness.Provider.PreviousValues.Count);
        Assert.False(harness.Provider.PreviousValues.IsEnabled);
    }

    [Fact]
    public async Task PreviousValuesAreNeverPartOfTheConfiguration()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("Db:Password", "old-secret"), ("Db:User", "app")));
        using var harness = new EngineHarness(source, s => s.PreviousValueWindow = Window);
        source.ReturnAlways(ScriptedSecretSource.Set(("Db:Password", "new-secret"), ("Db:User", "app")));
        await harness.Refresher.RefreshAsync();
        Assert.True(History(harness.Configuration).TryGetPrevious("Db:Password", out _, out _));

        var everything = string.Join('\n',
            string.Join('\n', harness.Configuration.AsEnumerable().Select(pair => $"{pair.Key}={pair.Value}")),
            string.Join('\n', harness.Configuration.GetSection("Db").GetChildren().Select(child => $"{child.Path}={child.Value}")),
            harness.Configuration.GetDebugView(),
            harness.Configuration.GetSection("Db").Get<Dictionary<string, string>>() is { } bound ? string.Join(',', bound) : "",
            harness.Provider.ToString(),
            harness.Provider.PreviousValues.ToString(),
            harness.Refresher.Status.ToString());

        Assert.Contains("new-secret", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("old-secret", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLastSourceThatHoldsAKeyDecidesAsInConfiguration()
    {
        var first = new ScriptedSecretSource { Name = "scripted:first" };
        var second = new ScriptedSecretSource { Name = "scripted:second" };
        first.ReturnAlways(ScriptedSecretSource.Set(("Shared", "first-1"), ("OnlyFirst", "a1")));
        second.ReturnAlways(ScriptedSecretSource.Set(("Shared", "second-1")));
        using var configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .Add(new ScriptedConfigurationSource(first) { PreviousValueWindow = Window, PollInterval = null })
            .Add(new ScriptedConfigurationSource(second) { PreviousValueWindow = Window, PollInterval = null })
            .Build();
        var refreshers = configuration.GetSecretRefreshers();
        var history = History(configuration);

        // The first source's Shared changes, but the app never saw it: the second source's value wins.
        first.ReturnAlways(ScriptedSecretSource.Set(("Shared", "first-2"), ("OnlyFirst", "a2")));
        await refreshers[0].RefreshAsync();
        Assert.False(history.TryGetPrevious("Shared", out _, out _));
        Assert.True(history.TryGetPrevious("OnlyFirst", out var previous, out _));
        Assert.Equal("a1", previous);

        second.ReturnAlways(ScriptedSecretSource.Set(("Shared", "second-2")));
        await refreshers[1].RefreshAsync();
        Assert.True(history.TryGetPrevious("Shared", out previous, out _));
        Assert.Equal("second-1", previous);
    }

    [Fact]
    public async Task AKeyALaterNonSecretProviderOverridesHasNoPreviousValue()
    {
        // An HMAC key set by an environment variable (or appsettings) after the secret source: the secret source's old
        // value was never the app's, so a verifier must not accept it as "the previous key".
        var secrets = new ScriptedSecretSource();
        secrets.ReturnAlways(ScriptedSecretSource.Set(("Webhook:Key", "vault-1"), ("Webhook:Other", "o1")));
        using var configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .Add(new ScriptedConfigurationSource(secrets) { PreviousValueWindow = Window, PollInterval = null })
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Webhook:Key"] = "from-environment" })
            .Build();
        var history = History(configuration);

        secrets.ReturnAlways(ScriptedSecretSource.Set(("Webhook:Key", "vault-2"), ("Webhook:Other", "o2")));
        await configuration.GetSecretRefreshers().Single().RefreshAsync();

        Assert.Equal("from-environment", configuration["Webhook:Key"]);
        Assert.False(history.TryGetPrevious("Webhook:Key", out _, out _));
        Assert.True(history.TryGetPrevious("Webhook:Other", out var previous, out _));
        Assert.Equal("o1", previous);
    }

    [Fact]
    public void AddSecretRotationRegistersTheHistoryOnce()
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddSecretRotation()
            .AddSecretRotation();
        Assert.Single(services, descriptor => descriptor.ServiceType == typeof(ISecretHistory));
        using var provider = services.BuildServiceProvider();
        var history = provider.GetRequiredService<ISecretHistory>();
        Assert.False(history.TryGetPrevious("Anything", out _, out _));
        Assert.Throws<ArgumentNullException>(() => history.TryGetPrevious(null!, out _, out _));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(31 * 24 * 60)]
    public void AWindowOutOfRangeIsRejected(int minutes)
    {
        var source = new ScriptedConfigurationSource(new ScriptedSecretSource()) { PreviousValueWindow = TimeSpan.FromMinutes(minutes) };
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConfigurationBuilder().Add(source).Build());
    }

    [Fact]
    public async Task DisposingTheConfigurationDropsThePreviousValues()
    {
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("Key", "v1")));
        var harness = new EngineHarness(source, s => s.PreviousValueWindow = Window);
        source.ReturnAlways(ScriptedSecretSource.Set(("Key", "v2")));
        await harness.Refresher.RefreshAsync();
        Assert.Equal(1, harness.Provider.PreviousValues.Count);

        harness.Dispose();

        Assert.Equal(0, harness.Provider.PreviousValues.Count);
    }

    private static ISecretHistory History(IConfiguration configuration) =>
        new ServiceCollection().AddSingleton(configuration).AddSecretRotation().BuildServiceProvider().GetRequiredService<ISecretHistory>();
}
