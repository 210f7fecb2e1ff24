using SecretRotation.HashiCorpVault;
using SecretRotation.VaultMirror.Configuration;

namespace SecretRotation.VaultMirror.Hosting;

/// <summary>Turns <c>Mirror:Auth</c> into one of the HashiCorpVault package's auth methods.</summary>
internal static class VaultAuthFactory
{
    public static VaultAuthMethod Create(MirrorAuthOptions auth) => auth.Method switch
    {
        VaultAuthKind.Token => VaultAuthMethod.Token(auth.Token!),
        VaultAuthKind.TokenFile => VaultAuthMethod.TokenFile(auth.TokenFile!),
        VaultAuthKind.Kubernetes => VaultAuthMethod.Kubernetes(auth.Role!, auth.MountPath ?? "kubernetes", auth.JwtPath),
        VaultAuthKind.AppRole => VaultAuthMethod.AppRole(auth.RoleId!, secretId: null, auth.SecretIdFile, auth.MountPath ?? "approle"),
        _ => throw new InvalidOperationException("Mirror:Auth:Method must be Token, TokenFile, Kubernetes or AppRole."),
    };
}
