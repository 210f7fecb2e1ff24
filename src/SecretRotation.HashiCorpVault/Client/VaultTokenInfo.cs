namespace SecretRotation.HashiCorpVault;

/// <summary>What Vault says of the client's token (lookup-self or renew-self). Never the token itself.</summary>
public sealed class VaultTokenInfo
{
    internal VaultTokenInfo(string? accessor, TimeSpan? ttl, bool renewable, IReadOnlyList<string> policies)
    {
        Accessor = accessor;
        Ttl = ttl;
        Renewable = renewable;
        Policies = policies;
    }

    /// <summary>The token's accessor (safe to log: it can look the token up but not use it), or <see langword="null"/>.</summary>
    public string? Accessor { get; }

    /// <summary>How long the token lives from now (at most 10 years); <see langword="null"/> when it never expires.</summary>
    public TimeSpan? Ttl { get; }

    /// <summary>Whether the token can be renewed.</summary>
    public bool Renewable { get; }

    /// <summary>The token's policies.</summary>
    public IReadOnlyList<string> Policies { get; }

    /// <inheritdoc />
    public override string ToString() => $"VaultTokenInfo {{ Accessor = {Accessor}, Ttl = {Ttl}, Renewable = {Renewable} }}";
}
