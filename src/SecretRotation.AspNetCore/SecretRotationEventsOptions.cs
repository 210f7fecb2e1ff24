namespace SecretRotation;

/// <summary>Settings of the push endpoint that <c>MapSecretRotationEvents</c> maps.</summary>
public sealed class SecretRotationEventsOptions
{
    /// <summary>
    /// The shared keys a caller may present, in the query string (<see cref="KeyQueryParameter"/>, as Event Grid sends a key
    /// put in the subscription's URL) or in the header <see cref="KeyHeader"/>. Several may be valid at once, so a key can be
    /// rotated: add the new one, update the subscription, remove the old one. Compared in constant time.
    /// </summary>
    public IList<string> AccessKeys { get; } = [];

    /// <summary>The query parameter that carries the key.</summary>
    /// <value>Default <c>code</c>.</value>
    public string KeyQueryParameter { get; set; } = "code";

    /// <summary>The header that carries the key.</summary>
    /// <value>Default <c>X-Secret-Rotation-Key</c>.</value>
    public string KeyHeader { get; set; } = "X-Secret-Rotation-Key";

    /// <summary>
    /// Accept callers without a key, because the endpoint is protected otherwise (for example <c>.RequireAuthorization()</c> with
    /// Entra ID bearer tokens). Without keys and without this, mapping the endpoint fails.
    /// </summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// How long a delivery waits for the refreshes it asked for before answering 503 (Event Grid waits 30 s, then retries).
    /// </summary>
    /// <value>Default 20 seconds.</value>
    public TimeSpan RefreshTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Up to this long, chosen at random, is waited before refreshing, to spread the vault load when many replicas receive the
    /// same event (the Service Bus fan-out).
    /// </summary>
    /// <value>Default zero.</value>
    public TimeSpan MaxRandomDelay { get; set; }

    /// <summary>Larger bodies are refused with 413 without being read (Event Grid's events are at most 1 MB).</summary>
    /// <value>Default 1 MiB.</value>
    public long MaxBodySize { get; set; } = 1024 * 1024;

    /// <summary>The clock for the random delay.</summary>
    /// <value>Default <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Draws the random delay's fraction of <see cref="MaxRandomDelay"/>, a number in [0, 1). Tests replace it to know exact times.</summary>
    internal Func<double> Randomizer { get; set; } = SecureRandomizer.Next;
}
