namespace SecretRotation.Testing;

/// <summary>A Kubernetes or AppRole auth role: what a login must present and what the issued token gets.</summary>
internal sealed class VaultLoginRole
{
    public required string Name { get; init; }

    public required TimeSpan TokenTtl { get; init; }

    public required TimeSpan TokenMaxTtl { get; init; }

    /// <summary>The token policies, sanitized (sorted, <c>default</c> added).</summary>
    public required IReadOnlyList<string> Policies { get; init; }

    /// <summary>The <c>auth.metadata</c> of a login (and the token's <c>meta</c>).</summary>
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    /// <summary>What the auth method adds to the display name after the mount name (<c>-{namespace}-{service account}</c>), or <c>""</c>.</summary>
    public required string DisplayNameSuffix { get; init; }

    /// <summary>The entity every login of this role maps to.</summary>
    public string EntityId { get; } = VaultRandom.Uuid();

    /// <summary>Kubernetes: the service-account JWT a login must send.</summary>
    public string? Jwt { get; init; }

    /// <summary>AppRole: the <c>role_id</c>.</summary>
    public string? RoleId { get; init; }

    /// <summary>AppRole: the <c>secret_id</c>.</summary>
    public string? SecretId { get; init; }
}
