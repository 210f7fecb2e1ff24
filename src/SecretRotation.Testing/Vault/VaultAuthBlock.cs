namespace SecretRotation.Testing;

/// <summary>The <c>auth</c> block of a login or token renewal (<c>sdk/logical.HTTPAuth</c>).</summary>
internal sealed record VaultAuthBlock
{
    public required string ClientToken { get; init; }

    public required string Accessor { get; init; }

    public required IReadOnlyList<string> Policies { get; init; }

    /// <summary><c>token_policies</c>; omitted from the JSON when empty.</summary>
    public required IReadOnlyList<string> TokenPolicies { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    public required long LeaseDuration { get; init; }

    public required bool Renewable { get; init; }

    public required string EntityId { get; init; }

    public required bool Orphan { get; init; }
}
