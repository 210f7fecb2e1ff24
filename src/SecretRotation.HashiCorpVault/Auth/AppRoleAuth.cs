using SecretRotation.HashiCorpVault.Client;

namespace SecretRotation.HashiCorpVault.Auth;

/// <summary>AppRole auth: a role id and a secret id given as a string or read from a file at each login.</summary>
internal sealed class AppRoleAuth(string roleId, string? secretId, string? secretIdPath, string mountPath) : VaultAuthMethod
{
    public override string Description => $"AppRole auth at auth/{mountPath}";

    internal override bool CanLogIn => true;

    internal override async Task<VaultToken> GetTokenAsync(VaultHttpClient client, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, string> { ["role_id"] = roleId };
        var secret = secretId;
        if (secretIdPath is not null)
        {
            try
            {
                secret = (await File.ReadAllTextAsync(secretIdPath, cancellationToken)).Trim();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"Could not read the AppRole secret id file '{secretIdPath}': {exception.Message}", exception);
            }
        }

        if (!string.IsNullOrEmpty(secret))
        {
            body["secret_id"] = secret;
        }

        var now = time.GetTimestamp();
        var response = await client.LoginAsync($"auth/{mountPath}/login", body, cancellationToken);
        return FromAuth(response.Auth ?? throw new VaultProtocolException($"The login with {Description} returned no auth block."), now);
    }
}
