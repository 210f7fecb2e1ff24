using System.Diagnostics.CodeAnalysis;

namespace SecretRotation;

/// <summary>
/// The value a key had before its last change, kept for the source's <see cref="SecretConfigurationSource.PreviousValueWindow"/>,
/// so both sides of a rotation can accept the old and the new secret for a while (a webhook's HMAC key, a JWT signing
/// key, an API key handed to a partner). Registered by <c>services.AddSecretRotation()</c>.
/// </summary>
/// <remarks>
/// Previous values are never part of <c>IConfiguration</c> (binding, <c>GetChildren</c>, <c>AsEnumerable</c> and dumps do
/// not see them) and are never logged. Only secret sources keep them; when several sources hold a key, the last one added
/// decides, as in configuration.
/// </remarks>
public interface ISecretHistory
{
    /// <summary>Gets the value <paramref name="key"/> had before its last change or removal, if that was within the window.</summary>
    /// <param name="key">The configuration key (case-insensitive), e.g. <c>Webhook:HmacKey</c>.</param>
    /// <param name="value">The previous value.</param>
    /// <param name="replacedAt">When the source replaced or removed it (the source's <see cref="SecretConfigurationSource.TimeProvider"/>).</param>
    /// <returns><see langword="true"/> when a previous value is kept; <see langword="false"/> when the window is off, the key never changed, or the window has passed.</returns>
    bool TryGetPrevious(string key, [NotNullWhen(true)] out string? value, out DateTimeOffset replacedAt);
}
