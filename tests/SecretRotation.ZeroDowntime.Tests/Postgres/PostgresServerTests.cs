using Npgsql;

namespace SecretRotation.ZeroDowntime.Tests.Postgres;

/// <summary>The fixture itself: a real server on loopback that checks passwords (initdb and postgres refuse root, so it runs as another user).</summary>
public sealed class PostgresServerTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task TheServerRunsChecksPasswordsAndIsNotRoot()
    {
        var server = fixture.Server;
        Assert.Equal(PostgresServer.AdminUser, await server.ScalarAsync<string>("select current_user"));
        Assert.Equal("127.0.0.1", await server.ScalarAsync<string>("show listen_addresses"));
        Assert.Equal("off", await server.ScalarAsync<string>("show fsync"));
        Assert.StartsWith("postgres (PostgreSQL)", server.Version, StringComparison.Ordinal);

        await server.ExecuteAsync("create role fixture_probe login password 'right-password'");
        var builder = new NpgsqlConnectionStringBuilder(server.ConnectionStringFor("fixture_probe")) { Password = "wrong-password", Pooling = false };
        var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
        });
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);

        builder.Password = "right-password";
        await using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select current_user", connection);
            Assert.Equal("fixture_probe", await command.ExecuteScalarAsync());
        }
    }
}
