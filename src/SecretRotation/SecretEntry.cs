namespace SecretRotation;

/// <summary>
/// One secret as read from a store: its value, the store's version of it, and when it must be read again.
/// </summary>
/// <remarks><see cref="ToString"/> never includes the value.</remarks>
public sealed class SecretEntry
{
    /// <summary>Creates an entry.</summary>
    /// <param name="value">The secret value. Never logged.</param>
    /// <param name="version">The store's version of the value (a Key Vault version id, a KV v2 version, a volume's data directory), or <see langword="null"/>.</param>
    /// <param name="refreshBy">When the value must be read again at the latest (lease end, TTL, expiry), or <see langword="null"/>.</param>
    public SecretEntry(string value, string? version = null, DateTimeOffset? refreshBy = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
        Version = version;
        RefreshBy = refreshBy;
    }

    /// <summary>The secret value.</summary>
    public string Value { get; }

    /// <summary>The store's version of the value, if the store has one.</summary>
    public string? Version { get; }

    /// <summary>When the value must be read again at the latest; the engine schedules a refresh for the earliest such time.</summary>
    public DateTimeOffset? RefreshBy { get; }

    /// <inheritdoc />
    public override string ToString() => $"SecretEntry {{ Version = {Version ?? "(none)"}, RefreshBy = {RefreshBy?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"} }}";
}
