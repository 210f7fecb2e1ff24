namespace SecretRotation.Testing;

/// <summary>Secret permissions taken away from the caller, vault-wide or for one secret name. Thread-safe.</summary>
internal sealed class PermissionDenials
{
    private readonly Lock _gate = new();
    private readonly HashSet<(KeyVaultSecretAccess Permission, string? Name)> _denied = [];

    public void Deny(KeyVaultSecretAccess permission, string? secretName)
    {
        lock (_gate)
        {
            _denied.Add((permission, secretName?.ToUpperInvariant()));
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _denied.Clear();
        }
    }

    public bool IsDenied(KeyVaultSecretAccess permission, string? secretName)
    {
        lock (_gate)
        {
            return _denied.Contains((permission, null))
                || (secretName is not null && _denied.Contains((permission, secretName.ToUpperInvariant())));
        }
    }

    /// <summary>The permission an operation needs (the access-policy names), or <see langword="null"/> for unknown paths.</summary>
    public static KeyVaultSecretAccess? Required(KeyVaultOperation operation) => operation switch
    {
        KeyVaultOperation.GetSecret or KeyVaultOperation.GetDeletedSecret => KeyVaultSecretAccess.Get,
        KeyVaultOperation.ListSecrets or KeyVaultOperation.ListSecretVersions => KeyVaultSecretAccess.List,
        KeyVaultOperation.SetSecret or KeyVaultOperation.UpdateSecret => KeyVaultSecretAccess.Set,
        KeyVaultOperation.DeleteSecret => KeyVaultSecretAccess.Delete,
        KeyVaultOperation.RecoverDeletedSecret => KeyVaultSecretAccess.Recover,
        KeyVaultOperation.PurgeDeletedSecret => KeyVaultSecretAccess.Purge,
        _ => null,
    };
}
