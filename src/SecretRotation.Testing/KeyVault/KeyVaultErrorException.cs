using Microsoft.AspNetCore.Http;

namespace SecretRotation.Testing;

/// <summary>
/// A Key Vault error answer (<c>{"error":{"code","message","innererror"?}}</c>). Thrown by the emulator's store; the HTTP
/// layer turns it into a response and the direct-manipulation methods wrap it in a plain <see cref="InvalidOperationException"/>.
/// </summary>
internal sealed class KeyVaultErrorException : Exception
{
    public KeyVaultErrorException(int statusCode, string code, string message, string? innerCode = null)
        : base(message)
    {
        StatusCode = statusCode;
        Code = code;
        InnerCode = innerCode;
    }

    public int StatusCode { get; }

    public string Code { get; }

    public string? InnerCode { get; }

    public static KeyVaultErrorException BadParameter(string message) =>
        new(StatusCodes.Status400BadRequest, "BadParameter", message);

    public static KeyVaultErrorException InvalidName(string name) =>
        BadParameter($"The request URI contains an invalid name: {name}");

    public static KeyVaultErrorException SecretNotFound(string nameOrId) =>
        new(StatusCodes.Status404NotFound, "SecretNotFound",
            $"A secret with (name/id) {nameOrId} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182");

    public static KeyVaultErrorException SecretDisabled() =>
        new(StatusCodes.Status403Forbidden, "Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled");

    public static KeyVaultErrorException DeletedButRecoverable(string name) =>
        new(StatusCodes.Status409Conflict, "Conflict",
            $"Secret {name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.",
            "ObjectIsDeletedButRecoverable");
}
