namespace SecretRotation.Testing;

/// <summary>One request a <see cref="VaultEmulator"/> answered, as listed in <see cref="VaultEmulator.Requests"/>.</summary>
public sealed record VaultRequest
{
    internal VaultRequest()
    {
    }

    /// <summary>The HTTP method as sent, upper case (<c>GET</c>, <c>POST</c>, <c>PUT</c>, <c>LIST</c>...); a <c>GET ?list=true</c> stays <c>GET</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The path without <c>/v1/</c> and without the query, for example <c>secret/data/myapp/db</c>; other paths keep their leading <c>/</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The query without the leading <c>?</c>, or an empty string.</summary>
    public required string Query { get; init; }

    /// <summary>The status code of the answer.</summary>
    public required int StatusCode { get; init; }

    /// <summary>
    /// The accessor of the token the request carried: the accessor of a live token, <c>"invalid"</c> for an unknown, expired or
    /// revoked token, <c>"none"</c> when the request carried no token.
    /// </summary>
    public required string TokenAccessor { get; init; }

    /// <summary>The <c>X-Vault-Namespace</c> header, or <see langword="null"/>. The emulator accepts and otherwise ignores it.</summary>
    public string? Namespace { get; init; }
}
