namespace AksSample;

/// <summary>
/// The optional PostgreSQL load, bound from <c>Sample:Postgres</c> (env vars <c>Sample__Postgres__Enabled</c>, ...). Off by
/// default. When on, the app builds an <c>NpgsqlDataSource</c> from <see cref="ConnectionString"/> (no secret in it) and the
/// rotating <c>Database:User</c> / <c>Database:Password</c>, and runs a small query load whose counts the status page shows.
/// </summary>
public sealed class PostgresOptions
{
    public const string SectionName = "Sample:Postgres";

    /// <summary>Turns the load on. Default off: the sample then never touches a database.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Host, port, database and pool sizes, without user or password, e.g.
    /// <c>Host=127.0.0.1;Port=5432;Database=postgres;Minimum Pool Size=4;Maximum Pool Size=8</c>. Keep
    /// <c>Minimum Pool Size</c> at least <see cref="Workers"/>: the data source opens that many connections before it is used.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Local demo only: a connection string of a user that may <c>CREATE ROLE</c> / <c>ALTER ROLE</c>. With it the demo
    /// creates the role <c>demo_app</c> and changes its password on the server before each volume rotation, so the queries
    /// keep succeeding. Ignored outside the demo (there, rotate the password the way your database is managed).
    /// </summary>
    public string? AdminConnectionString { get; set; }

    /// <summary>How many workers run queries. Default 2, at most 16.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>The pause between two queries of one worker. Default 50 ms.</summary>
    public TimeSpan QueryInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Each query's time limit. Default 10 seconds.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
