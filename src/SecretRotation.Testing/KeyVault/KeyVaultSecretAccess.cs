namespace SecretRotation.Testing;

/// <summary>A secret permission of a Key Vault access policy (<c>get</c>, <c>list</c>, <c>set</c>...), for <see cref="KeyVaultEmulator.DenyPermission(KeyVaultSecretAccess, string?)"/>.</summary>
public enum KeyVaultSecretAccess
{
    /// <summary><c>get</c>: get a secret (any version) and get a deleted secret.</summary>
    Get,

    /// <summary><c>list</c>: list secrets and list the versions of a secret.</summary>
    List,

    /// <summary><c>set</c>: set a secret and update a version's attributes.</summary>
    Set,

    /// <summary><c>delete</c>: delete a secret.</summary>
    Delete,

    /// <summary><c>recover</c>: recover a deleted secret.</summary>
    Recover,

    /// <summary><c>purge</c>: purge a deleted secret.</summary>
    Purge,
}
