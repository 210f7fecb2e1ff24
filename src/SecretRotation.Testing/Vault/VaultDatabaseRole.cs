namespace SecretRotation.Testing;

/// <summary>A database secrets engine role: the TTLs of the credentials it issues.</summary>
internal sealed record VaultDatabaseRole(string Name, TimeSpan DefaultTtl, TimeSpan MaxTtl);
