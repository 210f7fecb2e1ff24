using Microsoft.AspNetCore.Http;

namespace SecretRotation.Testing;

/// <summary>An answer decided by the emulator: status, JSON body (or none) and extra headers.</summary>
internal sealed class VaultResponse
{
    /// <summary>A token-check failure for a request without a token (<c>logical.ErrPermissionDenied</c>, not wrapped).</summary>
    public const string PermissionDenied = "permission denied";

    /// <summary>A token-check failure for an unknown, expired or revoked token.</summary>
    public const string InvalidToken = "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n";

    /// <summary>An ACL denial for a valid token.</summary>
    public const string PolicyDenied = "1 error occurred:\n\t* permission denied\n\n";

    /// <summary>A mounted backend that has no such path.</summary>
    public const string UnsupportedPath = "1 error occurred:\n\t* unsupported path\n\n";

    /// <summary>A path that does not take this operation (405).</summary>
    public const string UnsupportedOperation = "1 error occurred:\n\t* unsupported operation\n\n";

    /// <summary>Every request to a sealed Vault (503).</summary>
    public const string Sealed = "Vault is sealed";

    private VaultResponse(int statusCode, byte[]? body)
    {
        StatusCode = statusCode;
        Body = body;
    }

    public int StatusCode { get; }

    /// <summary>The body; <see langword="null"/> for none (204, 202).</summary>
    public byte[]? Body { get; }

    /// <summary>The <c>Retry-After</c> header value in seconds, or <see langword="null"/>.</summary>
    public long? RetryAfterSeconds { get; init; }

    /// <summary>A plain-text body instead of JSON (Go's <c>404 page not found</c>).</summary>
    public bool IsPlainText { get; init; }

    public static VaultResponse Ok(VaultEnvelope envelope) => new(StatusCodes.Status200OK, VaultJson.Envelope(envelope));

    /// <summary>A response built by <c>logical.RespondWithStatusCode</c>: the envelope marshalled without a trailing newline.</summary>
    public static VaultResponse WithStatus(int statusCode, VaultEnvelope envelope) => new(statusCode, VaultJson.Envelope(envelope, trailingNewline: false));

    public static VaultResponse WithRetryAfter(VaultResponse response, long seconds) =>
        new(response.StatusCode, response.Body) { RetryAfterSeconds = seconds, IsPlainText = response.IsPlainText };

    public static VaultResponse Raw(int statusCode, byte[] body) => new(statusCode, body);

    public static VaultResponse NoContent() => new(StatusCodes.Status204NoContent, null);

    public static VaultResponse Empty(int statusCode) => new(statusCode, null);

    public static VaultResponse Error(int statusCode, params string[] errors) => new(statusCode, VaultJson.Errors(errors));

    /// <summary>404 <c>{"errors":[]}</c>: a missing path, an empty list, or a path the caller may not see.</summary>
    public static VaultResponse NotFound() => Error(StatusCodes.Status404NotFound);

    public static VaultResponse PageNotFound() => new(StatusCodes.Status404NotFound, "404 page not found\n"u8.ToArray()) { IsPlainText = true };
}
