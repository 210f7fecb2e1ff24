namespace SecretRotation.Testing;

/// <summary>What every emulator records about a request it answered. Use <see cref="KeyVaultRequest"/> or <see cref="VaultRequest"/>.</summary>
public abstract record EmulatorRequest
{
    private protected EmulatorRequest()
    {
    }

    /// <summary>The HTTP method as sent, upper case.</summary>
    public required string Method { get; init; }

    /// <summary>The request path without the query, in the emulator's form (see the emulator's request type).</summary>
    public required string Path { get; init; }

    /// <summary>The query without the leading <c>?</c>, or an empty string.</summary>
    public required string Query { get; init; }

    /// <summary>The status code of the answer.</summary>
    public required int StatusCode { get; init; }
}
