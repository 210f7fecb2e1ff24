namespace SecretRotation;

/// <summary>Settings of a client registered with <c>services.AddRotatingClient&lt;TClient&gt;(...)</c>.</summary>
public sealed class RotatingClientOptions
{
    /// <summary>
    /// Extra configuration keys or sections (beside the one given to <c>AddRotatingClient</c>) whose change rebuilds the
    /// client, e.g. <c>Tls:Certificate</c> for a client whose connection settings live elsewhere.
    /// </summary>
    public IList<string> AlsoWatch { get; } = [];

    /// <summary>
    /// How long a replaced instance waits for its leases before it is disposed anyway (logged and counted as a forced
    /// disposal). <see cref="Timeout.InfiniteTimeSpan"/> waits for the last lease however long it takes.
    /// </summary>
    /// <value>Default 30 seconds. Not negative, or <see cref="Timeout.InfiniteTimeSpan"/>.</value>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The delay before the first retry of a rebuild whose factory threw; it doubles with each further failure.</summary>
    /// <value>Default 1 second.</value>
    public TimeSpan MinimumBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between retries of a failing rebuild.</summary>
    /// <value>Default 5 minutes.</value>
    public TimeSpan MaximumBackoff { get; set; } = TimeSpan.FromMinutes(5);
}
