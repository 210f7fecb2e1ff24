namespace SecretRotation.Testing;

/// <summary>One request a <see cref="VaultEmulator"/> answered, as listed in <see cref="VaultEmulator.Requests"/>.</summary>
/// <remarks>
/// <see cref="EmulatorRequest.Method"/> is as sent, upper case (<c>GET</c>, <c>POST</c>, <c>PUT</c>, <c>LIST</c>...); a
/// <c>GET ?list=true</c> stays <c>GET</c>. <see cref="EmulatorRequest.Path"/> is without <c>/v1/</c> and without the query, for example
/// <c>secret/data/myapp/db</c>; other paths keep their leading <c>/</c>.
/// </remarks>
public sealed record VaultRequest : EmulatorRequest
{
    internal VaultRequest()
    {
    }

    /// <summary>
    /// The accessor of the token the request carried: the accessor of a live token, <c>"invalid"</c> for an unknown, expired or
    /// revoked token, <c>"none"</c> when the request carried no token.
    /// </summary>
    public required string TokenAccessor { get; init; }

    /// <summary>The <c>X-Vault-Namespace</c> header, or <see langword="null"/>. The emulator accepts and otherwise ignores it.</summary>
    public string? Namespace { get; init; }
}
