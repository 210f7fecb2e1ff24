using Microsoft.Extensions.Options;
using Npgsql;

namespace AksSample;

/// <summary>
/// Local demo with <see cref="PostgresOptions.AdminConnectionString"/>: keeps the PostgreSQL role <see cref="DemoPayload.User"/>
/// in step with the demo volume. <see cref="EnsureAsync"/> creates the role (or resets its password) from the volume's current
/// files; <see cref="PublishAsync"/> runs <c>ALTER ROLE ... PASSWORD</c> and then publishes the payload into the volume, the
/// order of a real in-place rotation (the database first, then the secret). Between the two, a new login with the old password
/// would fail: the app's warm pool (sessions survive an <c>ALTER ROLE</c>) is what keeps the queries succeeding.
/// </summary>
public sealed class DemoPostgresRole(DemoVolume volume, IOptions<PostgresOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// Creates the role if missing, sets its password to the one the volume holds now, then runs <paramref name="connect"/>
    /// (the app's first connection) before a rotation can change the password again: under load, a rotation landing between
    /// the two made every first connection fail.
    /// </summary>
    public async Task<T> EnsureAsync<T>(Func<T> connect, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connect);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var user = await File.ReadAllTextAsync(Path.Combine(volume.MountPath, nameof(DatabaseOptions.User)), cancellationToken);
            var password = await File.ReadAllTextAsync(Path.Combine(volume.MountPath, nameof(DatabaseOptions.Password)), cancellationToken);
            await ExecuteAsync(
                $"""
                DO $$ BEGIN
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {Literal(user)}) THEN CREATE ROLE {Identifier(user)} LOGIN; END IF;
                END $$;
                ALTER ROLE {Identifier(user)} WITH LOGIN PASSWORD {Literal(password)};
                """,
                cancellationToken);
            return connect();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sets the role's new password on the server, then publishes <paramref name="payload"/> into the volume.</summary>
    public async Task PublishAsync(IReadOnlyDictionary<string, string> payload, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var user = payload[nameof(DatabaseOptions.User)];
            var password = payload[nameof(DatabaseOptions.Password)];
            await ExecuteAsync($"ALTER ROLE {Identifier(user)} WITH PASSWORD {Literal(password)}", cancellationToken);
            volume.Publish(payload);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    // ALTER ROLE takes no parameters: the demo's own values, quoted. The server logs a statement's text if log_statement says
    // so, and a failed one's by default (log_min_error_statement = error): acceptable for the demo's throwaway passwords
    // only; a real rotation sets the password with \password-style hashing on the client (SCRAM verifier), never in clear.
    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(options.Value.AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        _ = await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
