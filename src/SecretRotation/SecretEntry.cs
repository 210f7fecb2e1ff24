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
    /// <param name="expiresOn">When the store says the secret itself expires (an operator-set expiry such as Key Vault's <c>exp</c>), or <see langword="null"/>.</param>
    public SecretEntry(string value, string? version = null, DateTimeOffset? refreshBy = null, DateTimeOffset? expiresOn = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
        Version = version;
        RefreshBy = refreshBy;
        ExpiresOn = expiresOn;
    }

    /// <summary>The secret value.</summary>
    public string Value { get; }

    /// <summary>The store's version of the value, if the store has one.</summary>
    public string? Version { get; }

    /// <summary>When the value must be read again at the latest; the engine schedules a refresh for the earliest such time.</summary>
    public DateTimeOffset? RefreshBy { get; }

    /// <summary>
    /// When the secret expires in its store. Entries within <see cref="SecretConfigurationSource.ExpiryWarningWindow"/> of it are
    /// logged and reported in <see cref="SecretSourceStatus.KeysNearExpiry"/>.
    /// </summary>
    public DateTimeOffset? ExpiresOn { get; }

    /// <inheritdoc />
    public override string ToString() => $"SecretEntry {{ Version = {Version ?? "(none)"}, RefreshBy = {Format(RefreshBy)}, ExpiresOn = {Format(ExpiresOn)} }}";

    private static string Format(DateTimeOffset? time) => time?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "(none)";
}
