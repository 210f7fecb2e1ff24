namespace SecretRotation.Testing;

/// <summary>
/// What the emulators' faults have in common: which requests a fault matches (path, method, how many), the status it answers with
/// and the delay it adds. Use <see cref="KeyVaultFault"/> or <see cref="VaultFault"/>.
/// </summary>
public abstract class EmulatorFault
{
    private protected EmulatorFault()
    {
    }

    /// <summary>The path the fault applies to, compared by whole segments (see the emulator's fault type for case and form).</summary>
    /// <value>Default <see langword="null"/>: every path.</value>
    public string? PathPrefix { get; init; }

    /// <summary>The HTTP method the fault applies to (case-insensitive), as sent.</summary>
    /// <value>Default <see langword="null"/>: every method.</value>
    public string? Method { get; init; }

    /// <summary>The status code to answer with, for example 429, 500 or 503.</summary>
    /// <value>Default <see langword="null"/>: no failure, the request is only delayed by <see cref="Latency"/> and then served.</value>
    public int? StatusCode { get; init; }

    /// <summary>The <c>Retry-After</c> header to send with the failure, in whole seconds (rounded up).</summary>
    /// <value>Default <see langword="null"/>: no <c>Retry-After</c> header.</value>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>How many matching requests the fault applies to.</summary>
    /// <value>Default <see langword="null"/>: every matching request until the emulator's <c>ClearFaults</c>.</value>
    public int? Count { get; init; }

    /// <summary>Extra delay for each matching request (real time), on top of the emulator's <c>Latency</c>.</summary>
    /// <value>Default <see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan Latency { get; init; }
}
