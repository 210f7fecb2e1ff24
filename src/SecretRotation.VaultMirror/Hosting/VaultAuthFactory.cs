using SecretRotation.HashiCorpVault.Auth;
using SecretRotation.VaultMirror.Configuration;

namespace SecretRotation.VaultMirror.Hosting;

/// <summary>Turns <c>Mirror:Auth</c> into one of the HashiCorpVault package's auth methods.</summary>
internal static class VaultAuthFactory
{
    public static VaultAuthMethod Create(MirrorAuthOptions auth) => auth.Method switch
    {
        VaultAuthKind.Token => new StaticTokenAuth(auth.Token!.Trim(), "Mirror:Auth:Token"),
        VaultAuthKind.TokenFile => new TokenFileAuth(auth.TokenFile!),
        VaultAuthKind.Kubernetes => new KubernetesAuth(auth.Role!, auth.MountPath ?? "kubernetes", auth.JwtPath),
        VaultAuthKind.AppRole => new AppRoleAuth(auth.RoleId!, secretId: null, auth.SecretIdFile, auth.MountPath ?? "approle"),
        _ => throw new InvalidOperationException("Mirror:Auth:Method must be Token, TokenFile, Kubernetes or AppRole."),
    };
}
