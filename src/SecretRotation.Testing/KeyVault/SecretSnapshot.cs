namespace SecretRotation.Testing;

/// <summary>A secret's name and one of its versions, copied out of the store; safe to use outside its lock.</summary>
internal readonly record struct SecretSnapshot(string Name, StoredSecretVersion Version, long? DeletedDate = null, long? ScheduledPurgeDate = null);
