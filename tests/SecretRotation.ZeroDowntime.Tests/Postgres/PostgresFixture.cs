namespace SecretRotation.ZeroDowntime.Tests.Postgres;

/// <summary>
/// One PostgreSQL server per test class (xunit class fixture). A class that cannot get one fails, with the reason, in every
/// test: there is no silent skip.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture was not started.");

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
