namespace SecretRotation.VaultMirror.Configuration;

/// <summary><c>Mirror:Auth</c>: how the mirror logs in to Vault. Credentials are never logged.</summary>
internal sealed class MirrorAuthOptions
{
    public VaultAuthKind Method { get; set; } = VaultAuthKind.Kubernetes;

    public string? Token { get; set; }

    public string? TokenFile { get; set; }

    /// <summary>The Kubernetes auth role, or nothing for AppRole.</summary>
    public string? Role { get; set; }

    /// <summary>The auth mount: <c>kubernetes</c> or <c>approle</c> by default.</summary>
    public string? MountPath { get; set; }

    public string JwtPath { get; set; } = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    public string? RoleId { get; set; }

    public string? SecretIdFile { get; set; }
}
