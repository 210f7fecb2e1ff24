using SecretRotation.HashiCorpVault.Auth;
using SecretRotation.HashiCorpVault.Client;

namespace SecretRotation.HashiCorpVault;

/// <summary>
/// How a <see cref="VaultClient"/> gets its Vault token: a token, a token file, Kubernetes auth or AppRole. Create one with
/// the factory methods; the client logs in with it, renews the token at about two thirds of its TTL, and logs in again
/// when renewal runs out or Vault refuses a token that is dead (never for a path the policy denies).
/// </summary>
public abstract class VaultAuthMethod
{
    /// <summary>The default path of the pod's service-account token, for Kubernetes auth.</summary>
    public const string DefaultServiceAccountTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    private protected VaultAuthMethod()
    {
    }

    /// <summary>For logs and errors, e.g. <c>Kubernetes auth role 'app' at auth/kubernetes</c>. Never a credential.</summary>
    public abstract string Description { get; }

    /// <summary>Whether a new token can be had when the current one cannot be renewed or is refused.</summary>
    internal abstract bool CanLogIn { get; }

    /// <summary>Whether the token source changed since the last <see cref="GetTokenAsync"/> (a token file rewritten by Vault Agent).</summary>
    internal virtual bool HasChanged => false;

    /// <summary>A token given as is: renewed while it can be, never replaced.</summary>
    /// <param name="token">The token.</param>
    public static VaultAuthMethod Token(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        return new StaticTokenAuth(token.Trim(), "the options");
    }

    /// <summary>A token read from a file (such as a Vault Agent sink), read again whenever the file changes or Vault refuses the token.</summary>
    /// <param name="path">The file that holds the token.</param>
    public static VaultAuthMethod TokenFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new TokenFileAuth(path);
    }

    /// <summary>Kubernetes auth: the pod's service-account JWT (read at each login, as the kubelet rotates it) for <paramref name="role"/>.</summary>
    /// <param name="role">The Vault role bound to the service account.</param>
    /// <param name="mountPath">Where the auth method is mounted, without <c>auth/</c>.</param>
    /// <param name="jwtPath">The service-account token file.</param>
    public static VaultAuthMethod Kubernetes(string role, string mountPath = "kubernetes", string jwtPath = DefaultServiceAccountTokenPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        ArgumentException.ThrowIfNullOrWhiteSpace(mountPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(jwtPath);
        return new KubernetesAuth(role, mountPath.Trim('/'), jwtPath);
    }

    /// <summary>AppRole: a role id and a secret id, given as a string or as a file read at each login (or neither, for a role that needs none).</summary>
    /// <param name="roleId">The role id.</param>
    /// <param name="secretId">The secret id, or <see langword="null"/>.</param>
    /// <param name="secretIdFile">A file holding the secret id, or <see langword="null"/>; not together with <paramref name="secretId"/>.</param>
    /// <param name="mountPath">Where the auth method is mounted, without <c>auth/</c>.</param>
    public static VaultAuthMethod AppRole(string roleId, string? secretId = null, string? secretIdFile = null, string mountPath = "approle")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(roleId);
        ArgumentException.ThrowIfNullOrWhiteSpace(mountPath);
        if (secretId is not null && secretIdFile is not null)
        {
            throw new ArgumentException("Give the AppRole secret id as a string or as a file, not both.", nameof(secretIdFile));
        }

        return new AppRoleAuth(roleId, secretId, secretIdFile, mountPath.Trim('/'));
    }

    /// <inheritdoc />
    public override string ToString() => Description;

    internal abstract Task<VaultToken> GetTokenAsync(VaultHttpClient client, TimeProvider time, CancellationToken cancellationToken);

    /// <param name="auth">The login's auth block.</param>
    /// <param name="obtainedAt">The <see cref="TimeProvider.GetTimestamp"/> taken before the login was sent.</param>
    private protected static VaultToken FromAuth(VaultAuth auth, long obtainedAt) =>
        new(auth.ClientToken, obtainedAt, auth.LeaseDuration > 0 ? TimeSpan.FromSeconds(auth.LeaseDuration) : null, auth.Renewable);

    /// <summary>For a token given as is: lookup-self tells its remaining TTL and whether it can be renewed.</summary>
    private protected static async Task<VaultToken> DescribeAsync(string token, VaultHttpClient client, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        try
        {
            var lookup = await client.LookupSelfAsync(token, cancellationToken);
            var data = lookup.Data;
            long ttl = 0;
            var renewable = false;
            if (data is { } d)
            {
                ttl = VaultDuration.ReadSeconds(d, "ttl");
                renewable = d.TryGetProperty("renewable", out var r) && r.ValueKind == System.Text.Json.JsonValueKind.True;
            }

            return new VaultToken(token, now, ttl > 0 ? TimeSpan.FromSeconds(ttl) : null, renewable);
        }
        catch (VaultApiException exception) when (exception.IsPermissionDenied)
        {
            // Some policies deny lookup-self; the token may still read secrets. Its lifetime is then unknown.
            return new VaultToken(token, now, null, renewable: false);
        }
    }
}
