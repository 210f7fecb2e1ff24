using Npgsql;

namespace AksSample;

/// <summary>
/// The recipe of docs/zero-downtime.md ("PostgreSQL with Npgsql"): an <see cref="NpgsqlDataSource"/> from a connection string
/// without secrets plus the rotating <c>User</c> and <c>Password</c>, with the pool's minimum opened before it is returned (a
/// wrong credential throws here, and the rotating client keeps the old data source).
/// </summary>
public static class SampleDataSource
{
    public static NpgsqlDataSource Build(string connectionString, IConfigurationSection credentials)
    {
        var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
        dataSourceBuilder.ConnectionStringBuilder.Username = credentials[nameof(DatabaseOptions.User)] ?? credentials["Username"];
        dataSourceBuilder.ConnectionStringBuilder.Password = credentials[nameof(DatabaseOptions.Password)];
        var dataSource = dataSourceBuilder.Build();
        try
        {
            var warm = new List<NpgsqlConnection>();
            try
            {
                for (var i = 0; i < Math.Max(1, dataSourceBuilder.ConnectionStringBuilder.MinPoolSize); i++)
                {
                    warm.Add(dataSource.OpenConnection());
                }
            }
            finally
            {
                warm.ForEach(connection => connection.Dispose());
            }

            return dataSource;
        }
        catch
        {
            dataSource.Dispose();
            throw;
        }
    }
}
