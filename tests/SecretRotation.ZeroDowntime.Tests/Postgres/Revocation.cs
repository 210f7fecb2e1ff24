namespace SecretRotation.ZeroDowntime.Tests.Postgres;

/// <summary>
/// A credential revoked on the server: sessions of <see cref="User"/> that started before <see cref="SessionsStartedBefore"/>
/// were authenticated with it, and none of them may run a query after <see cref="RevokedAt"/> (server clock).
/// </summary>
public readonly record struct Revocation(string User, DateTime SessionsStartedBefore, DateTime RevokedAt);
