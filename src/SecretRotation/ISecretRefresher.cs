namespace SecretRotation;

/// <summary>
/// Refreshes one secret configuration provider on demand. Find them with
/// <c>configuration.GetSecretRefreshers()</c>; push handlers and user code call them.
/// </summary>
public interface ISecretRefresher
{
    /// <summary>The source's name, as in logs and metrics.</summary>
    string SourceName { get; }

    /// <summary>A snapshot of the provider's health: last success, consecutive failures.</summary>
    SecretSourceStatus Status { get; }

    /// <summary>
    /// Reads the source now (coalesced with any refresh already waiting) and applies the result.
    /// </summary>
    /// <exception cref="SecretSourceException">The read failed; the last good data is kept.</exception>
    /// <exception cref="ObjectDisposedException">The provider was disposed.</exception>
    Task RefreshAsync(CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="RefreshAsync(CancellationToken)"/>, but a failure is logged and returned as <see langword="false"/>.</summary>
    Task<bool> TryRefreshAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies a change notice: when it concerns this source, reads what it names (targeted, coalesced with other
    /// notices) and returns <see langword="true"/>; otherwise returns <see langword="false"/> without reading anything.
    /// A notice for this source also counts as a sign that push reaches it, as <see cref="ReportPushHealth"/>(true) does.
    /// </summary>
    /// <exception cref="SecretSourceException">The notice was this source's and the read failed; the last good data is kept.</exception>
    Task<bool> RefreshAsync(SecretChangeNotice notice, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether this provider serves the secret the notice names now (and, when the notice names a version, that version),
    /// without reading anything. Push handlers use it to record expiry announcements only for secrets the app holds.
    /// </summary>
    /// <remarks>The providers of <see cref="SecretConfigurationSource"/> ask their source; other implementations hold nothing by default.</remarks>
    bool HoldsSecret(SecretChangeNotice notice) => false;

    /// <summary>
    /// Tells the refresher whether a push path that may cover it is healthy (<see langword="true"/>: a handshake was answered,
    /// an event delivered, or the receiver is connected) or looks broken (<see langword="false"/>: the receiver failed or
    /// stopped, a delivery failed). Push receivers call it; while push is healthy a source may poll at its
    /// <see cref="SecretConfigurationSource.PushCoveredPollInterval"/> instead of its <see cref="SecretConfigurationSource.PollInterval"/>.
    /// </summary>
    /// <remarks>Other implementations ignore it by default.</remarks>
    void ReportPushHealth(bool healthy)
    {
    }
}
