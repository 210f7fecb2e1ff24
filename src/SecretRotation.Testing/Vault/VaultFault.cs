namespace SecretRotation.Testing;

/// <summary>
/// A failure (and/or delay) that a <see cref="VaultEmulator"/> injects into matching requests; see
/// <see cref="VaultEmulator.InjectFault(VaultFault)"/>.
/// </summary>
/// <remarks>
/// A fault answers before anything else (even a sealed Vault or a bad token): the request reaches no state. The body is Vault's
/// <c>{"errors":[...]}</c>; by default 429 carries the rate-limit-quota message
/// (<c>request path "secret/data/x": rate limit quota exceeded</c>), 500 <c>internal error</c>, 503 <c>Vault is sealed</c>,
/// 404 no message.
/// </remarks>
public sealed class VaultFault
{
    /// <summary>The Vault path the fault applies to (without <c>/v1/</c>), compared by whole segments and case-sensitively.</summary>
    /// <value>
    /// Default <see langword="null"/>: every path. <c>secret/data/myapp</c> matches <c>secret/data/myapp</c> and
    /// <c>secret/data/myapp/db</c> but not <c>secret/data/myapp2</c>. A leading <c>/</c> or <c>/v1/</c> is ignored.
    /// </value>
    public string? PathPrefix { get; init; }

    /// <summary>The HTTP method the fault applies to (case-insensitive), as sent: <c>GET</c>, <c>POST</c>, <c>LIST</c>...</summary>
    /// <value>Default <see langword="null"/>: every method.</value>
    public string? Method { get; init; }

    /// <summary>The status code to answer with, for example 429, 500 or 503.</summary>
    /// <value>Default <see langword="null"/>: no failure, the request is only delayed by <see cref="Latency"/> and then served.</value>
    public int? StatusCode { get; init; }

    /// <summary>The <c>Retry-After</c> header to send with the failure, in whole seconds (rounded up).</summary>
    /// <value>Default <see langword="null"/>: no <c>Retry-After</c> (Vault sends it only with <c>enable_rate_limit_response_headers</c>).</value>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>How many matching requests the fault applies to.</summary>
    /// <value>Default <see langword="null"/>: every matching request until <see cref="VaultEmulator.ClearFaults"/>.</value>
    public int? Count { get; init; }

    /// <summary>Extra delay for each matching request, on top of <see cref="VaultEmulator.Latency"/> (real time, not the emulator clock).</summary>
    /// <value>Default <see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan Latency { get; init; }

    /// <summary>The <c>errors</c> of the failure body.</summary>
    /// <value>Default <see langword="null"/>: the message Vault uses for that status (see the remarks).</value>
    public IReadOnlyList<string>? Errors { get; init; }
}
