using Azure;
using SecretRotation.Shared;

namespace SecretRotation.AzureKeyVault.Internal;

/// <summary>Turns Key Vault's errors into messages that say what permission is missing. Key Vault errors carry no values.</summary>
internal static class KeyVaultErrors
{
    public static SecretSourceException ForList(string source, string vault, RequestFailedException exception, DateTimeOffset now) =>
        Describe(source, vault, "list secrets", "List", exception, now,
            " Or name the secrets to read (AzureKeyVaultSecretsSource.SecretNames) so that only 'Get' is needed.");

    public static SecretSourceException ForGet(string source, string vault, string secretName, RequestFailedException exception, DateTimeOffset now) =>
        Describe(source, vault, $"get secret '{secretName}'", "Get", exception, now, string.Empty);

    /// <summary>Key Vault answers 403 with inner code <c>SecretDisabled</c> for a disabled secret: not a permission problem.</summary>
    public static bool IsDisabledSecret(RequestFailedException exception) =>
        exception.Status == 403 && KeyVaultErrorBody.InnerErrorCode(exception) == "SecretDisabled";

    private static SecretSourceException Describe(string source, string vault, string operation, string permission, RequestFailedException exception, DateTimeOffset now, string hint)
    {
        var code = exception.ErrorCode ?? "no error code";
        var inner = KeyVaultErrorBody.InnerErrorCode(exception);
        var codes = inner is null ? code : $"{code}/{inner}";
        var message = exception.Status switch
        {
            401 => $"Key Vault '{vault}' rejected the credential trying to {operation} (HTTP 401 {codes}): check the identity's tenant and token (Workload Identity: the federated credential and AZURE_CLIENT_ID).",
            403 => $"Key Vault '{vault}' denied {operation} (HTTP 403 {codes}): the identity needs the '{permission}' secret permission (access policy) or a role such as 'Key Vault Secrets User' (RBAC).{hint}",
            0 => $"Key Vault '{vault}' could not be reached trying to {operation}: {exception.InnerException?.Message ?? "no response"}.",
            _ => $"Key Vault '{vault}' failed to {operation} (HTTP {exception.Status} {codes}).",
        };
        // The SDK's own retries honour Retry-After; once they give up, the engine's next try should too.
        return new SecretSourceException(source, message, exception) { RetryAfter = RetryAfterHeader.From(exception, now) };
    }
}
