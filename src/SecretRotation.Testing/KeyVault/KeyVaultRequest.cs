namespace SecretRotation.Testing;

/// <summary>One request a <see cref="KeyVaultEmulator"/> answered, as listed in <see cref="KeyVaultEmulator.Requests"/>.</summary>
public sealed record KeyVaultRequest
{
    internal KeyVaultRequest()
    {
    }

    /// <summary>The HTTP method, upper case.</summary>
    public required string Method { get; init; }

    /// <summary>The request path without the query, for example <c>/secrets/db-password</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The query without the leading <c>?</c>, or an empty string.</summary>
    public required string Query { get; init; }

    /// <summary>The <c>api-version</c> query value, or <see langword="null"/> when the request had none.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>The status code of the answer.</summary>
    public required int StatusCode { get; init; }

    /// <summary>Whether the request carried <c>Authorization: Bearer ...</c>. Unauthenticated requests are answered with the 401 challenge (unless a fault came first).</summary>
    public required bool IsAuthenticated { get; init; }

    /// <summary>The operation the method and path address.</summary>
    public required KeyVaultOperation Operation { get; init; }

    /// <summary>The secret name in the path, or <see langword="null"/> for list-secrets and unknown paths.</summary>
    public string? SecretName { get; init; }

    /// <summary>The version in the path, or <see langword="null"/> when the request addressed the latest version or no version.</summary>
    public string? SecretVersion { get; init; }

    /// <summary>Whether this was the 401 challenge to a request without a bearer token.</summary>
    public bool IsChallenge => !IsAuthenticated && StatusCode == 401;
}
