namespace SecretRotation.VaultMirror.Configuration;

/// <summary>How the mirror gets a Vault token.</summary>
public enum VaultAuthKind
{
    /// <summary>A token given as <c>Mirror:Auth:Token</c> (or <c>VAULT_TOKEN</c>).</summary>
    Token,

    /// <summary>A token file (a Vault Agent sink), read again when it changes.</summary>
    TokenFile,

    /// <summary>Kubernetes auth with the pod's service-account token.</summary>
    Kubernetes,

    /// <summary>AppRole auth with a role id and a secret id file.</summary>
    AppRole,
}
