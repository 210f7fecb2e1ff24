using Azure;
using SecretRotation.Shared;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace SecretRotation.Cli.Rotate;

/// <summary>Writes a new version of a Key Vault secret. Needs only the <c>Set</c> secret permission.</summary>
internal static class KeyVaultRotator
{
    public static async Task<RotationResult> RotateAsync(SecretClient client, string name, string value, CancellationToken cancellationToken)
    {
        var vault = client.VaultUri.Host;
        try
        {
            var secret = (await client.SetSecretAsync(name, value, cancellationToken)).Value;
            return new RotationResult($"{name} in {client.VaultUri}", secret.Properties.Version, Fingerprint.Of(value), Detail: null);
        }
        catch (RequestFailedException exception)
        {
            throw new CommandFailedException(Describe(vault, name, exception), exception);
        }
        catch (AuthenticationFailedException exception)
        {
            throw new CommandFailedException($"Could not get a token for Key Vault '{vault}': {exception.Message}", exception);
        }
    }

    private static string Describe(string vault, string name, RequestFailedException exception)
    {
        var code = exception.ErrorCode ?? "no error code";
        var inner = KeyVaultErrorBody.InnerErrorCode(exception);
        var codes = inner is null ? code : $"{code}/{inner}";
        return exception.Status switch
        {
            401 => $"Key Vault '{vault}' rejected the credential trying to set secret '{name}' (HTTP 401 {codes}): check the identity's tenant and token (az login, or AZURE_CLIENT_ID for Workload Identity).",
            403 => $"Key Vault '{vault}' denied set secret '{name}' (HTTP 403 {codes}): the identity needs the 'Set' secret permission (access policy) or a role such as 'Key Vault Secrets Officer' (RBAC).",
            409 => $"Key Vault '{vault}' refused set secret '{name}' (HTTP 409 {codes}): a deleted secret of that name is kept by soft delete; recover or purge it first.",
            0 => $"Key Vault '{vault}' could not be reached trying to set secret '{name}': {exception.InnerException?.Message ?? "no response"}.",
            _ => $"Key Vault '{vault}' failed to set secret '{name}' (HTTP {exception.Status} {codes}).",
        };
    }
}
