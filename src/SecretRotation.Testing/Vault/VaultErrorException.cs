using Microsoft.AspNetCore.Http;

namespace SecretRotation.Testing;

/// <summary>A Vault error answer (<c>{"errors":[...]}</c>) raised deep in request handling; the handler turns it into the response.</summary>
internal sealed class VaultErrorException : Exception
{
    public VaultErrorException(int statusCode, params string[] errors)
        : base(errors.Length > 0 ? errors[0] : $"HTTP {statusCode}")
    {
        StatusCode = statusCode;
        Errors = errors;
    }

    public int StatusCode { get; }

    public IReadOnlyList<string> Errors { get; }

    /// <summary>400 with one message, the shape of <c>logical.ErrorResponse(...)</c> plus <c>ErrInvalidRequest</c>.</summary>
    public static VaultErrorException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    public VaultResponse ToResponse() => VaultResponse.Error(StatusCode, [.. Errors]);
}
