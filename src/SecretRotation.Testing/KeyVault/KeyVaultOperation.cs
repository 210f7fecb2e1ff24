namespace SecretRotation.Testing;

/// <summary>The Key Vault operation a request to a <see cref="KeyVaultEmulator"/> addressed, as recorded in <see cref="KeyVaultRequest.Operation"/>.</summary>
public enum KeyVaultOperation
{
    /// <summary>A path or method the emulator does not serve.</summary>
    Unknown,

    /// <summary><c>GET /secrets/{name}</c> (latest, with or without a trailing slash) or <c>GET /secrets/{name}/{version}</c>.</summary>
    GetSecret,

    /// <summary><c>PUT /secrets/{name}</c>.</summary>
    SetSecret,

    /// <summary><c>PATCH /secrets/{name}/{version}</c>.</summary>
    UpdateSecret,

    /// <summary><c>DELETE /secrets/{name}</c>.</summary>
    DeleteSecret,

    /// <summary><c>GET /secrets</c> (any page).</summary>
    ListSecrets,

    /// <summary><c>GET /secrets/{name}/versions</c> (any page).</summary>
    ListSecretVersions,

    /// <summary><c>GET /deletedsecrets/{name}</c>.</summary>
    GetDeletedSecret,

    /// <summary><c>DELETE /deletedsecrets/{name}</c>.</summary>
    PurgeDeletedSecret,

    /// <summary><c>POST /deletedsecrets/{name}/recover</c>.</summary>
    RecoverDeletedSecret,
}
