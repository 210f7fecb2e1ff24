using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace SecretRotation.ZeroDowntime.Tests.Postgres;

/// <summary>
/// The "PostgreSQL with Npgsql" recipe of docs/zero-downtime.md, as the scenarios use it: an
/// <see cref="NpgsqlDataSource"/> rebuilt when <c>Db:User</c> or <c>Db:Password</c> change, warmed (and so its credentials
/// checked) before it is swapped in; the replaced one drains and is disposed, which closes its connections.
/// </summary>
public static class NpgsqlRecipe
{
    /// <summary>Registers <c>IRotatingClient&lt;NpgsqlDataSource&gt;</c> from the <c>Db</c> section.</summary>
    public static IServiceCollection AddRotatingNpgsql(this IServiceCollection services, Action<RotatingClientOptions>? configure = null) =>
        services.AddRotatingClient<NpgsqlDataSource>("Db", (_, db) => Build(db), configure);

    /// <summary>
    /// Builds a data source from <c>Db:ConnectionString</c> (host, database, pool sizes: no secret), <c>Db:User</c> (or
    /// <c>Db:Username</c>, as Vault's database engine names it) and
    /// <c>Db:Password</c>, and opens <c>Minimum Pool Size</c> connections at once: a bad credential throws here (the rotating
    /// client keeps the old data source and tries again on its backoff), and the pool never needs a new login while its load
    /// stays within that size.
    /// </summary>
    public static NpgsqlDataSource Build(IConfigurationSection db)
    {
        var builder = new NpgsqlDataSourceBuilder(db["ConnectionString"]);
        builder.ConnectionStringBuilder.Username = db["User"] ?? db["Username"];   // Vault's dynamic credentials say "username"
        builder.ConnectionStringBuilder.Password = db["Password"];
        var dataSource = builder.Build();
        try
        {
            Warm(dataSource, builder.ConnectionStringBuilder.MinPoolSize);
            return dataSource;
        }
        catch
        {
            dataSource.Dispose();
            throw;
        }
    }

    private static void Warm(NpgsqlDataSource dataSource, int connections)
    {
        var open = new List<NpgsqlConnection>(connections);
        try
        {
            for (var i = 0; i < Math.Max(1, connections); i++)
            {
                open.Add(dataSource.OpenConnection());
            }
        }
        finally
        {
            foreach (var connection in open)
            {
                connection.Dispose();
            }
        }
    }
}
