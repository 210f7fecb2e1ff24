namespace SecretRotation.Testing;

/// <summary>What a set or an update writes. For an update, <see langword="null"/> members (and unset <c>Has*</c> flags) leave the version as it is.</summary>
internal sealed class SecretChanges
{
    public string? ContentType { get; init; }

    public bool HasContentType { get; init; }

    public bool? Enabled { get; init; }

    public long? NotBefore { get; init; }

    public bool HasNotBefore { get; init; }

    public long? Expires { get; init; }

    public bool HasExpires { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    public bool HasTags { get; init; }
}
