namespace SecretRotation.Testing;

/// <summary>
/// A database secrets engine role for <see cref="VaultEmulator.AddDatabaseRole(string, VaultDatabaseRoleOptions)"/>: the TTLs of
/// the credentials it issues and, optionally, a real database the role's statements run against, as Vault's PostgreSQL plugin
/// runs them.
/// </summary>
/// <remarks>
/// With <see cref="ExecuteAsync"/> set, reading <c>{mount}/creds/{role}</c> runs <see cref="CreationStatements"/> before it
/// answers (a failure answers 500 and issues no lease), a renewal runs <see cref="RenewStatements"/>, and the lease's end
/// (revocation through <c>sys/leases/revoke</c>, its token's revocation or expiry, or its expiry on the emulator clock, which
/// a timer applies when it falls due) runs <see cref="RevocationStatements"/>. Templates, as the plugin fills them:
/// <c>{{name}}</c> (also <c>{{username}}</c>), <c>{{password}}</c> and <c>{{expiration}}</c>
/// (<c>2006-01-02 15:04:05+0000</c>, UTC). Each statement is split on <c>;</c> as Vault splits it; one operation's statements are
/// handed to <see cref="ExecuteAsync"/> together, to run in one transaction. Revocations run one at a time, in order, off the
/// request path; a failed one is tried again twice, then recorded in <see cref="VaultEmulator.DatabaseFailures"/>.
/// </remarks>
public sealed class VaultDatabaseRoleOptions
{
    /// <summary>Vault's documented PostgreSQL creation statement, without the grants (add them for your tables).</summary>
    public const string PostgreSqlCreation = """CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';""";

    /// <summary>The PostgreSQL plugin's default renewal statement.</summary>
    public const string PostgreSqlRenew = """ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}';""";

    /// <summary>
    /// A revocation that ends the credentials for good: no new login, the role's sessions terminated, the role dropped. (The
    /// plugin's built-in default revokes privileges and drops the role but leaves open sessions running.)
    /// </summary>
    public const string PostgreSqlRevocation =
        """ALTER ROLE "{{name}}" NOLOGIN; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{{name}}'; DROP ROLE IF EXISTS "{{name}}";""";

    /// <summary>The lease TTL.</summary>
    /// <value>Default <see cref="TimeSpan.Zero"/>: 768h.</value>
    public TimeSpan DefaultTtl { get; set; }

    /// <summary>The lease's max TTL: renewals stop at issue time plus this.</summary>
    /// <value>Default <see cref="TimeSpan.Zero"/>: 768h.</value>
    public TimeSpan MaxTtl { get; set; }

    /// <summary>The mount path.</summary>
    /// <value>Default <c>database</c>.</value>
    public string MountPath { get; set; } = "database";

    /// <summary>Run when credentials are issued.</summary>
    /// <value>Default: <see cref="PostgreSqlCreation"/>.</value>
    public IList<string> CreationStatements { get; } = [PostgreSqlCreation];

    /// <summary>Run when a lease is renewed.</summary>
    /// <value>Default: <see cref="PostgreSqlRenew"/>.</value>
    public IList<string> RenewStatements { get; } = [PostgreSqlRenew];

    /// <summary>Run when a lease ends.</summary>
    /// <value>Default: <see cref="PostgreSqlRevocation"/>.</value>
    public IList<string> RevocationStatements { get; } = [PostgreSqlRevocation];

    /// <summary>
    /// Runs one operation's rendered statements against the real database (the test's own client, so this package depends on
    /// no database driver). The statements hold the issued password: do not log them.
    /// </summary>
    /// <value>Default <see langword="null"/>: no database; credentials are made up, as <see cref="VaultEmulator.AddDatabaseRole(string, TimeSpan, TimeSpan, string)"/> does.</value>
    public Func<IReadOnlyList<string>, CancellationToken, Task>? ExecuteAsync { get; set; }
}
