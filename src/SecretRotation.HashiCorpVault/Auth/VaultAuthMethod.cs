using SecretRotation.HashiCorpVault.Client;

namespace SecretRotation.HashiCorpVault.Auth;

/// <summary>How this package gets a Vault token.</summary>
internal abstract class VaultAuthMethod
{
    /// <summary>For logs and errors, e.g. <c>kubernetes role 'app'</c>. Never a credential.</summary>
    public abstract string Description { get; }

    /// <summary>Whether a new token can be had when the current one cannot be renewed or is refused.</summary>
    public abstract bool CanLogIn { get; }

    /// <summary>Whether the token source changed since the last <see cref="GetTokenAsync"/> (a token file rewritten by Vault Agent).</summary>
    public virtual bool HasChanged => false;

    public abstract Task<VaultToken> GetTokenAsync(VaultHttpClient client, TimeProvider time, CancellationToken cancellationToken);

    /// <param name="auth">The login's auth block.</param>
    /// <param name="obtainedAt">The <see cref="TimeProvider.GetTimestamp"/> taken before the login was sent.</param>
    protected static VaultToken FromAuth(VaultAuth auth, long obtainedAt) =>
        new(auth.ClientToken, obtainedAt, auth.LeaseDuration > 0 ? TimeSpan.FromSeconds(auth.LeaseDuration) : null, auth.Renewable);

    /// <summary>For a token given as is: lookup-self tells its remaining TTL and whether it can be renewed.</summary>
    protected static async Task<VaultToken> DescribeAsync(string token, VaultHttpClient client, TimeProvider time, CancellationToken cancellationToken)
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
