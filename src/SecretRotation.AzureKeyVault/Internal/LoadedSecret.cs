using Azure.Security.KeyVault.Secrets;

namespace SecretRotation.AzureKeyVault.Internal;

/// <summary>One secret as last fetched: its properties, value, and when we asked for it (our clock).</summary>
/// <param name="properties">The secret's properties as fetched.</param>
/// <param name="value">The value.</param>
/// <param name="requestedAt">When we asked for it.</param>
/// <param name="isSafetyReread">Whether this fetch was the one re-read of a fetch that was not settled (see <see cref="IsSettled"/>).</param>
internal sealed class LoadedSecret(SecretProperties properties, string value, DateTimeOffset requestedAt, bool isSafetyReread = false)
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
    /// repeated once on the next full read. That re-read counts as settled even when it too came early (a fast poll),
    /// so a rotation costs one extra GET at most.
    /// </summary>
    public bool IsSettled => isSafetyReread || Properties.UpdatedOn is not { } updated || RequestedAt >= updated + SettleTime;

    /// <summary>This fetch, marked as the safety re-read of an unsettled fetch of the same <c>updated</c> second.</summary>
    public LoadedSecret AsSafetyReread() => new(Properties, Value, RequestedAt, isSafetyReread: true);

    /// <summary>Whether a listed item still describes what we fetched.</summary>
    public bool IsCurrent(SecretProperties listed) => IsSettled && listed.UpdatedOn == Properties.UpdatedOn;

    public override string ToString() => $"{Properties.Name} (version {Properties.Version})";
}
