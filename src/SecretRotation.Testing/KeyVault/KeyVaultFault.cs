namespace SecretRotation.Testing;

/// <summary>
/// A failure (and/or delay) that a <see cref="KeyVaultEmulator"/> injects into matching requests; see
/// <see cref="KeyVaultEmulator.InjectFault(KeyVaultFault)"/>.
/// </summary>
/// <remarks>
/// A fault answers instead of the vault: the request does not reach the secret store. The error body has the Key Vault shape
/// <c>{"error":{"code","message"}}</c>; for 429 the code is <c>Throttled</c> with the service's throttling message.
/// </remarks>
public sealed class KeyVaultFault
{
    /// <summary>The path the fault applies to, compared by whole segments and case-insensitively.</summary>
    /// <value>
    /// Default <see langword="null"/>: every path. <c>/secrets/db</c> matches <c>/secrets/db</c>, <c>/secrets/db/{version}</c> and
    /// <c>/secrets/db/versions</c> but not <c>/secrets/db2</c>; <c>/secrets</c> matches every secret path.
    /// </value>
    public string? PathPrefix { get; init; }

    /// <summary>The HTTP method the fault applies to (case-insensitive).</summary>
    /// <value>Default <see langword="null"/>: every method.</value>
    public string? Method { get; init; }

    /// <summary>The status code to answer with, for example 429, 500 or 503.</summary>
    /// <value>Default <see langword="null"/>: no failure, the request is only delayed by <see cref="Latency"/> and then served.</value>
    public int? StatusCode { get; init; }

    /// <summary>The <c>Retry-After</c> to send with the failure, in whole seconds (rounded up).</summary>
    /// <value>Default <see langword="null"/>: no <c>Retry-After</c> header.</value>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>How many matching requests the fault applies to.</summary>
    /// <value>Default <see langword="null"/>: every matching request until <see cref="KeyVaultEmulator.ClearFaults"/>.</value>
    public int? Count { get; init; }

    /// <summary>Extra delay for each matching request, on top of <see cref="KeyVaultEmulator.Latency"/>.</summary>
    /// <value>Default <see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan Latency { get; init; }

    /// <summary>The <c>error.code</c> of the failure body.</summary>
    /// <value>Default <see langword="null"/>: <c>Throttled</c> for 429, otherwise a code derived from the status.</value>
    public string? ErrorCode { get; init; }

    /// <summary>The <c>error.message</c> of the failure body.</summary>
    /// <value>Default <see langword="null"/>: the service's throttling message for 429, otherwise a generic message.</value>
    public string? ErrorMessage { get; init; }

    /// <summary>Whether the fault also applies to requests without a bearer token, before the 401 challenge.</summary>
    /// <value>Default <see langword="false"/>: only authenticated requests are affected, as a throttled vault still challenges first.</value>
    public bool BeforeChallenge { get; init; }
}
