using Azure.Security.KeyVault.Secrets;

namespace SecretRotation.AzureKeyVault.Internal;

/// <summary>One secret as last fetched: its properties, value, and when we asked for it (our clock).</summary>
internal sealed class LoadedSecret(SecretProperties properties, string value, DateTimeOffset requestedAt)
{
    public SecretProperties Properties { get; } = properties;

    public string Value { get; } = value;

    /// <summary>
    /// A list can only show a later version by a later <c>updated</c>, which has whole seconds and comes from the vault's
    /// clock: allow the second itself plus a second of clock difference.
    /// </summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2);

    public DateTimeOffset RequestedAt { get; } = requestedAt;

    /// <summary>
    /// Whether a list can tell us about later versions. <c>updated</c> has whole seconds, so a version written later in
    /// the same second as the one we fetched has the same <c>updated</c> and is invisible to a list: such a fetch is
    /// repeated once on the next full read.
    /// </summary>
    public bool IsSettled => Properties.UpdatedOn is not { } updated || RequestedAt >= updated + SettleTime;

    /// <summary>Whether a listed item still describes what we fetched.</summary>
    public bool IsCurrent(SecretProperties listed) => IsSettled && listed.UpdatedOn == Properties.UpdatedOn;

    public override string ToString() => $"{Properties.Name} (version {Properties.Version})";
}
