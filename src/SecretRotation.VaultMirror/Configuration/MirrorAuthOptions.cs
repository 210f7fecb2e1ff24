namespace SecretRotation.VaultMirror.Configuration;

/// <summary><c>Mirror:Auth</c>: how the mirror logs in to Vault. Credentials are never logged.</summary>
public sealed class MirrorAuthOptions
{
    /// <summary>The auth method; Kubernetes by default.</summary>
    public VaultAuthKind Method { get; set; } = VaultAuthKind.Kubernetes;

    /// <summary>The token, for <see cref="VaultAuthKind.Token"/>.</summary>
    public string? Token { get; set; }

    /// <summary>The token file, for <see cref="VaultAuthKind.TokenFile"/>.</summary>
    public string? TokenFile { get; set; }

    /// <summary>The Kubernetes auth role, or nothing for AppRole.</summary>
    public string? Role { get; set; }

    /// <summary>The auth mount: <c>kubernetes</c> or <c>approle</c> by default.</summary>
    public string? MountPath { get; set; }

    /// <summary>The service-account token file, for Kubernetes auth.</summary>
    public string JwtPath { get; set; } = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    /// <summary>The AppRole role id.</summary>
    public string? RoleId { get; set; }

    /// <summary>The file holding the AppRole secret id.</summary>
    public string? SecretIdFile { get; set; }
}
