namespace SecretRotation.Testing;

/// <summary>One immutable version of a secret; an update replaces the object. Dates are whole Unix seconds.</summary>
internal sealed record StoredSecretVersion
{
    public required string Version { get; init; }

    /// <summary>The emulator-wide write counter: the highest sequence of a secret is its latest version, even within one second.</summary>
    public required long Sequence { get; init; }

    public required string Value { get; init; }

    public string? ContentType { get; init; }

    public bool Enabled { get; init; } = true;

    public long? NotBefore { get; init; }

    public long? Expires { get; init; }

    public required long Created { get; init; }

    public required long Updated { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}
