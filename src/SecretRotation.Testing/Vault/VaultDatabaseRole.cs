namespace SecretRotation.Testing;

/// <summary>
/// A database secrets engine role: the TTLs of the credentials it issues and, when it has a real database, the statements
/// and the callback that runs them.
/// </summary>
internal sealed record VaultDatabaseRole(string Name, TimeSpan DefaultTtl, TimeSpan MaxTtl)
{
    public IReadOnlyList<string> CreationStatements { get; init; } = [];

    public IReadOnlyList<string> RenewStatements { get; init; } = [];

    public IReadOnlyList<string> RevocationStatements { get; init; } = [];

    public Func<IReadOnlyList<string>, CancellationToken, Task>? ExecuteAsync { get; init; }
}
