using SecretRotation.HashiCorpVault.Client;

namespace SecretRotation.HashiCorpVault.Auth;

/// <summary>A token given as a string (or <c>VAULT_TOKEN</c>): renewed while it can be, never replaced.</summary>
internal sealed class StaticTokenAuth(string token, string origin) : VaultAuthMethod
{
    public override string Description => $"a token from {origin}";

    internal override bool CanLogIn => false;

    internal override Task<VaultToken> GetTokenAsync(VaultHttpClient client, TimeProvider time, CancellationToken cancellationToken) =>
        DescribeAsync(token, client, time, cancellationToken);
}
