namespace SecretRotation.VaultMirror.Configuration;

/// <summary>What happens to the Vault copy of a secret that is disabled, expired or deleted in Key Vault.</summary>
public enum DeletePolicy
{
    /// <summary>Leave the Vault copy as it is and log a warning (the default).</summary>
    Keep,

    /// <summary>Soft-delete the latest Vault version (it can be undeleted with <c>vault kv undelete</c>).</summary>
    Delete,
}
