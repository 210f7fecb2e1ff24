using Npgsql;
using SecretRotation;

namespace AksSample;

/// <summary>Registers the optional PostgreSQL load (<see cref="PostgresOptions"/>); Program.cs and the tests use the same wiring.</summary>
public static class SamplePostgres
{
    /// <summary>
    /// When <c>Sample:Postgres:Enabled</c> is true: the rotating <see cref="NpgsqlDataSource"/> (docs/zero-downtime.md,
    /// "PostgreSQL with Npgsql"), rebuilt from <c>Sample:Postgres:ConnectionString</c> (no secret) and the current
    /// <c>Database:User</c> / <c>Database:Password</c> when either changes (the old one is disposed after its last lease), the
    /// <see cref="PostgresQueryCounter"/>, the <see cref="PostgresLoad"/> and, in the local demo with an admin connection
    /// string, <see cref="DemoPostgresRole"/>. Returns whether the load is on.
    /// </summary>
    public static bool AddSamplePostgres(this IServiceCollection services, IConfiguration configuration, bool isDemo)
    {
        var options = configuration.GetSection(PostgresOptions.SectionName).Get<PostgresOptions>() ?? new PostgresOptions();
        if (!options.Enabled)
        {
            return false;
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new InvalidOperationException(
                "Sample:Postgres:Enabled is true but Sample:Postgres:ConnectionString is not set (host, port, database and pool sizes; no user or password).");
        }

        var connectionString = Parse(options.ConnectionString, "Sample:Postgres:ConnectionString");
        if (!string.IsNullOrEmpty(connectionString.Password) || !string.IsNullOrEmpty(connectionString.Username))
        {
            throw new InvalidOperationException(
                "Sample:Postgres:ConnectionString must not hold a user or password: they come from the rotating Database:User and Database:Password.");
        }

        if (options.QueryInterval < TimeSpan.Zero || options.QueryTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Sample:Postgres:QueryInterval must not be negative and Sample:Postgres:QueryTimeout must be positive.");
        }

        if (!string.IsNullOrWhiteSpace(options.AdminConnectionString))
        {
            _ = Parse(options.AdminConnectionString, "Sample:Postgres:AdminConnectionString");
        }

        services.AddOptions<PostgresOptions>().Bind(configuration.GetSection(PostgresOptions.SectionName));
        services.AddSingleton(new PostgresQueryCounter(Math.Clamp(options.Workers, 1, 16)));
        services.AddRotatingClient<NpgsqlDataSource>(
            $"{DatabaseOptions.SectionName}:{nameof(DatabaseOptions.Password)}",
            (provider, _) => SampleDataSource.Build(
                connectionString.ConnectionString, provider.GetRequiredService<IConfiguration>().GetSection(DatabaseOptions.SectionName)),
            o => o.AlsoWatch.Add($"{DatabaseOptions.SectionName}:{nameof(DatabaseOptions.User)}"));
        if (isDemo && !string.IsNullOrWhiteSpace(options.AdminConnectionString))
        {
            services.AddSingleton<DemoPostgresRole>();
        }

        services.AddHostedService<PostgresLoad>();
        return true;
    }

    // The parser's message may quote a value (the admin connection string holds a password): only the setting's name is said.
    private static NpgsqlConnectionStringBuilder Parse(string connectionString, string setting)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException exception)
        {
            throw new InvalidOperationException($"{setting} is not a valid Npgsql connection string ({exception.GetType().Name}).");
        }
    }
}
