using System.Text.Json;
using Azure;

namespace SecretRotation.Shared;

/// <summary>
/// Reads Key Vault's error body (<c>{"error":{"code","message","innererror":{"code"}}}</c>). Shared source: compiled into
/// each package that needs it. Key Vault error bodies hold no secret values.
/// </summary>
internal static class KeyVaultErrorBody
{
    /// <summary>The <c>error.innererror.code</c> (e.g. <c>AccessDenied</c>, <c>SecretDisabled</c>), or <see langword="null"/>.</summary>
    public static string? InnerErrorCode(RequestFailedException exception)
    {
        try
        {
            var content = exception.GetRawResponse()?.Content;
            if (content is null || content.ToMemory().IsEmpty)
            {
                return null;
            }

            using var document = JsonDocument.Parse(content.ToMemory());
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("innererror", out var innerError)
                && innerError.ValueKind == JsonValueKind.Object
                && innerError.TryGetProperty("code", out var innerCode)
                && innerCode.ValueKind == JsonValueKind.String
                    ? innerCode.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
