using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace SecretRotation.TestSupport;

/// <summary>
/// What every secret source must do, whatever the store: each source's tests inherit this class and supply a fixture.
/// </summary>
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
    public async Task InitialLoadReadsEverySecret()
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
    public async Task AMissingOptionalSourceStartsEmpty()
    {
        await using var store = await CreateStoreAsync();
        var builder = new ConfigurationBuilder();
        store.AddMissingSource(builder, optional: true, Logs.CreateFactory());

        using var configuration = (ConfigurationRoot)builder.Build();

        Assert.Empty(configuration.AsEnumerable());
        Assert.Single(configuration.GetSecretRefreshers());
    }

    [Fact]
    public async Task AMissingRequiredSourceThrowsAnExceptionNamingIt()
    {
        await using var store = await CreateStoreAsync();
        var builder = new ConfigurationBuilder();
        store.AddMissingSource(builder, optional: false, Logs.CreateFactory());

        var exception = Assert.Throws<SecretSourceException>(() => builder.Build());

        Assert.Contains(store.MissingStoreDescription, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChangeFiresTheReloadTokenExactlyOnce()
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
    public async Task NoChangeFiresNothing()
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
    public async Task AFailureKeepsTheLastGoodDataAndTheSourceRecovers()
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
    public async Task DisposeStopsTheProvider()
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
    public async Task NoSecretValueAppearsInLogsExceptionsOrToString()
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

    private ConfigurationRoot Build(ISecretStoreFixture store)
    {
        var builder = new ConfigurationBuilder();
        store.AddSource(builder, optional: false, Logs.CreateFactory());
        return (ConfigurationRoot)builder.Build();
    }
}
