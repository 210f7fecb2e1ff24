using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace SecretRotation.TestSupport;

/// <summary>
/// What every secret source must do, whatever the store: each source's tests inherit this class and supply a fixture.
/// </summary>
/// <remarks>
/// As in dotnet/runtime's <c>ConfigurationProviderTestBase</c>, every fact is <see langword="virtual"/>: where a source legitimately
/// differs (a store that cannot hold a name, a format with its own key rules), its test class overrides the fact, says why in the
/// override's summary or skip reason, and where it can asserts what the source does instead.
/// </remarks>
public abstract class SecretSourceConformanceTests
{
    private static readonly Dictionary<string, string> Initial = new()
    {
        ["user"] = "conformance-user-1",
        ["password"] = "conformance-password-1",
    };

    protected CapturingLoggerProvider Logs { get; } = new();

    protected abstract Task<ISecretStoreFixture> CreateStoreAsync();

    [Fact]
    public virtual async Task InitialLoadReadsEverySecret()
    {
        await using var store = await CreateStoreAsync();
        await store.PublishAsync(Initial);

        using var configuration = Build(store);

        Assert.Equal("conformance-user-1", configuration["user"]);
        Assert.Equal("conformance-password-1", configuration["password"]);
        var refresher = Assert.Single(configuration.GetSecretRefreshers());
        Assert.True(refresher.Status.HasLoaded);
    }

    [Fact]
    public virtual async Task AMissingOptionalSourceStartsEmpty()
    {
        await using var store = await CreateStoreAsync();
        var builder = new ConfigurationBuilder();
        store.AddMissingSource(builder, optional: true, Logs.CreateFactory());

        using var configuration = (ConfigurationRoot)builder.Build();

        Assert.Empty(configuration.AsEnumerable());
        Assert.Single(configuration.GetSecretRefreshers());
    }

    [Fact]
    public virtual async Task AMissingRequiredSourceThrowsAnExceptionNamingIt()
    {
        await using var store = await CreateStoreAsync();
        var builder = new ConfigurationBuilder();
        store.AddMissingSource(builder, optional: false, Logs.CreateFactory());

        var exception = Assert.Throws<SecretSourceException>(() => builder.Build());

        Assert.Contains(store.MissingStoreDescription, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public virtual async Task AChangeFiresTheReloadTokenExactlyOnce()
    {
        await using var store = await CreateStoreAsync();
        await store.PublishAsync(Initial);
        using var configuration = Build(store);
        var reloads = 0;
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = ChangeToken.OnChange(configuration.GetReloadToken, () =>
        {
            Interlocked.Increment(ref reloads);
            reloaded.TrySetResult();
        });

        await store.PublishAsync(new Dictionary<string, string>(Initial) { ["password"] = "conformance-password-2" });
        var refresher = configuration.GetSecretRefreshers().Single();
        await refresher.RefreshAsync();
        await reloaded.Task.WithTimeout("the reload token");
        await refresher.RefreshAsync();
        await refresher.RefreshAsync();

        Assert.Equal("conformance-password-2", configuration["password"]);
        Assert.Equal("conformance-user-1", configuration["user"]);
        Assert.Equal(1, Volatile.Read(ref reloads));
    }

    [Fact]
    public virtual async Task NoChangeFiresNothing()
    {
        await using var store = await CreateStoreAsync();
        await store.PublishAsync(Initial);
        using var configuration = Build(store);
        var reloads = 0;
        using var subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => Interlocked.Increment(ref reloads));
        var refresher = configuration.GetSecretRefreshers().Single();

        for (var i = 0; i < 3; i++)
        {
            await store.TouchAsync();
            await store.PublishAsync(Initial);
            await refresher.RefreshAsync();
        }

        Assert.Equal(0, Volatile.Read(ref reloads));
    }

    [Fact]
    public virtual async Task AFailureKeepsTheLastGoodDataAndTheSourceRecovers()
    {
        await using var store = await CreateStoreAsync();
        await store.PublishAsync(Initial);
        using var configuration = Build(store);
        var refresher = configuration.GetSecretRefreshers().Single();

        await store.BreakAsync();
        await Assert.ThrowsAsync<SecretSourceException>(() => refresher.RefreshAsync());

        Assert.Equal("conformance-password-1", configuration["password"]);
        Assert.Equal("conformance-user-1", configuration["user"]);
        Assert.True(refresher.Status.ConsecutiveFailures >= 1);

        await store.RestoreAsync();
        await store.PublishAsync(new Dictionary<string, string>(Initial) { ["password"] = "conformance-password-3" });
        await refresher.RefreshAsync();
        Assert.Equal("conformance-password-3", configuration["password"]);
        Assert.Equal(0, refresher.Status.ConsecutiveFailures);
    }

    [Fact]
    public virtual async Task DisposeStopsTheProvider()
    {
        await using var store = await CreateStoreAsync();
        await store.PublishAsync(Initial);
        var configuration = Build(store);
        var refresher = configuration.GetSecretRefreshers().Single();

        configuration.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => refresher.RefreshAsync());
        Assert.Equal("conformance-password-1", configuration["password"]);
    }

    [Fact]
    public virtual async Task NoSecretValueAppearsInLogsExceptionsOrToString()
    {
        await using var store = await CreateStoreAsync();
        await store.PublishAsync(Initial);
        using var configuration = Build(store);
        var refresher = configuration.GetSecretRefreshers().Single();
        await store.PublishAsync(new Dictionary<string, string>(Initial) { ["password"] = "conformance-password-4" });
        await refresher.RefreshAsync();
        await store.BreakAsync();
        var failure = await Assert.ThrowsAsync<SecretSourceException>(() => refresher.RefreshAsync());
        await store.RestoreAsync();

        var everything = string.Join('\n', Logs.AllText(), failure.ToString(), refresher.Status.ToString(), refresher.ToString(),
            string.Join(' ', configuration.Providers.Select(p => p.ToString())));
        foreach (var secret in new[] { "conformance-password-1", "conformance-password-4", "conformance-user-1" })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    /// <summary>Configuration keys are case-insensitive whatever the store: a name is found by any casing of its key.</summary>
    [Fact]
    public virtual async Task AKeyIsFoundWhateverItsCase()
    {
        await using var store = await CreateStoreAsync();
        await store.PublishAsync(new Dictionary<string, string> { ["Api-Key"] = "conformance-case-1" });

        using var configuration = Build(store);

        Assert.Equal("conformance-case-1", configuration["Api-Key"]);
        Assert.Equal("conformance-case-1", configuration["api-key"]);
        Assert.Equal("conformance-case-1", configuration["API-KEY"]);
    }

    /// <summary>
    /// Two names that differ only in case would be one configuration key: the load fails and says so, rather than let one of
    /// them win at random, and the message carries neither value.
    /// </summary>
    [Fact]
    public virtual async Task NamesDifferingOnlyInCaseFailTheLoadWithoutShowingTheValues()
    {
        await using var store = await CreateStoreAsync();
        await store.PublishAsync(new Dictionary<string, string> { ["Api-Key"] = "conformance-case-1", ["api-key"] = "conformance-case-2" });

        var exception = Assert.Throws<SecretSourceException>(() => Build(store));

        Assert.DoesNotContain("conformance-case-1", exception.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("conformance-case-2", exception.ToString(), StringComparison.Ordinal);
    }

    /// <summary><c>__</c> in a name separates sections (<c>Db__User</c> is <c>Db:User</c>), as environment variables do.</summary>
    [Fact]
    public virtual async Task DoubleUnderscoreInANameMakesASection()
    {
        await using var store = await CreateStoreAsync();
        await store.PublishAsync(new Dictionary<string, string> { ["Db__User"] = "conformance-user-5", ["Db__Password"] = "conformance-password-5" });

        using var configuration = Build(store);

        var section = configuration.GetSection("Db");
        Assert.Equal("conformance-user-5", section["User"]);
        Assert.Equal("conformance-password-5", section["Password"]);
        Assert.Equal(["Password", "User"], section.GetChildren().Select(child => child.Key).Order(StringComparer.Ordinal));
        Assert.Null(configuration["Db__User"]);
    }

    /// <summary><c>--</c> is no separator for this source: <c>Db--Host</c> stays one top-level key.</summary>
    [Fact]
    public virtual async Task DoubleDashInANameIsKeptAsWritten()
    {
        await using var store = await CreateStoreAsync();
        await store.PublishAsync(new Dictionary<string, string> { ["Db--Host"] = "conformance-host-1" });

        using var configuration = Build(store);

        Assert.Equal("conformance-host-1", configuration["Db--Host"]);
        Assert.False(configuration.GetSection("Db").Exists());
    }

    /// <summary>Options bound to the configuration (<see cref="IOptionsMonitor{TOptions}"/>) see a change after the refresh that loads it.</summary>
    [Fact]
    public virtual async Task AnOptionsMonitorSeesAChange()
    {
        await using var store = await CreateStoreAsync();
        await store.PublishAsync(Initial);
        using var configuration = Build(store);
        var services = new ServiceCollection();
        services.Configure<ConformanceOptions>(configuration);
        await using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<ConformanceOptions>>();
        Assert.Equal("conformance-password-1", monitor.CurrentValue.Password);
        var changed = new TaskCompletionSource<ConformanceOptions>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = monitor.OnChange(options => changed.TrySetResult(options));

        await store.PublishAsync(new Dictionary<string, string>(Initial) { ["password"] = "conformance-password-6" });
        await configuration.GetSecretRefreshers().Single().RefreshAsync();
        var seen = await changed.Task.WithTimeout("the options monitor's change");

        Assert.Equal("conformance-password-6", seen.Password);
        Assert.Equal("conformance-password-6", monitor.CurrentValue.Password);
        Assert.Equal("conformance-user-1", monitor.CurrentValue.User);
    }

    /// <summary>For sources where names differing only in case are one key: the later of two such names wins, and only one key is loaded.</summary>
    protected async Task AssertTheLaterOfTwoNamesDifferingOnlyInCaseWinsAsync()
    {
        await using var store = await CreateStoreAsync();
        await store.PublishAsync(new Dictionary<string, string> { ["Api-Key"] = "conformance-case-1", ["api-key"] = "conformance-case-2" });

        using var configuration = Build(store);

        Assert.Equal("conformance-case-2", configuration["Api-Key"]);
        Assert.Single(configuration.AsEnumerable());
    }

    /// <summary>For sources whose names are JSON keys: <c>__</c> is kept as written and makes no section.</summary>
    protected async Task AssertDoubleUnderscoreIsKeptAsWrittenAsync()
    {
        await using var store = await CreateStoreAsync();
        await store.PublishAsync(new Dictionary<string, string> { ["Db__User"] = "conformance-user-5" });

        using var configuration = Build(store);

        Assert.Equal("conformance-user-5", configuration["Db__User"]);
        Assert.False(configuration.GetSection("Db").Exists());
    }

    /// <summary>Builds a configuration from a required source over <paramref name="store"/>, logging to <see cref="Logs"/>.</summary>
    protected ConfigurationRoot Build(ISecretStoreFixture store)
    {
        var builder = new ConfigurationBuilder();
        store.AddSource(builder, optional: false, Logs.CreateFactory());
        return (ConfigurationRoot)builder.Build();
    }

    /// <summary>What <see cref="AnOptionsMonitorSeesAChange"/> binds the configuration to.</summary>
    public sealed class ConformanceOptions
    {
        public string? User { get; set; }

        public string? Password { get; set; }
    }
}
