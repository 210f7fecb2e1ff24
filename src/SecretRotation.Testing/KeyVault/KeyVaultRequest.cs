namespace SecretRotation.Testing;

/// <summary>One request a <see cref="KeyVaultEmulator"/> answered, as listed in <see cref="KeyVaultEmulator.Requests"/>.</summary>
/// <remarks><see cref="EmulatorRequest.Path"/> is the request path without the query, for example <c>/secrets/db-password</c>.</remarks>
public sealed record KeyVaultRequest : EmulatorRequest
{
    internal KeyVaultRequest()
    {
    }

    /// <summary>The <c>api-version</c> query value, or <see langword="null"/> when the request had none.</summary>
    public string? ApiVersion { get; init; }

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
