using SecretRotation.HashiCorpVault;

namespace SecretRotation.VaultMirror.Configuration;

/// <summary>Turns <c>Mirror:Auth</c> into one of the HashiCorpVault package's auth methods.</summary>
public static class VaultAuthFactory
{
    /// <summary>The auth method <paramref name="auth"/> describes (validated by <see cref="MirrorOptionsValidator"/>).</summary>
    /// <param name="auth">The <c>Mirror:Auth</c> settings.</param>
    public static VaultAuthMethod Create(MirrorAuthOptions auth) => auth.Method switch
    {
        VaultAuthKind.Token => VaultAuthMethod.Token(auth.Token!),
        VaultAuthKind.TokenFile => VaultAuthMethod.TokenFile(auth.TokenFile!),
        VaultAuthKind.Kubernetes => VaultAuthMethod.Kubernetes(auth.Role!, auth.MountPath ?? "kubernetes", auth.JwtPath),
        VaultAuthKind.AppRole => VaultAuthMethod.AppRole(auth.RoleId!, secretId: null, auth.SecretIdFile, auth.MountPath ?? "approle"),
        _ => throw new InvalidOperationException("Mirror:Auth:Method must be Token, TokenFile, Kubernetes or AppRole."),
    };
}
