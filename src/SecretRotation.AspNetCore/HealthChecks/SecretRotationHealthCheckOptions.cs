namespace SecretRotation;

/// <summary>Settings of the health check that <c>AddHealthChecks().AddSecretRotation()</c> registers.</summary>
public sealed class SecretRotationHealthCheckOptions
{
    /// <summary>The health check's name.</summary>
    /// <value>Default <c>secret-rotation</c>.</value>
    public string Name { get; set; } = "secret-rotation";

    /// <summary>
    /// A source whose last successful read is older than this is reported Degraded. Keep it a few poll intervals long; set
    /// <see langword="null"/> when a source does not poll (<c>PollInterval = null</c>, push only), since it then reads only
    /// when told to.
    /// </summary>
    /// <value>Default 15 minutes (three polls of a Key Vault source).</value>
    public TimeSpan? StalenessThreshold { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A source that failed this many reads in a row is reported Degraded (it keeps serving its last good data), and so is a
    /// rotating client whose rebuild failed this many times in a row (it keeps serving its previous instance).
    /// </summary>
    /// <value>Default 3.</value>
    public int FailureThreshold { get; set; } = 3;

    /// <summary>
    /// How long a <c>SecretNearExpiry</c> or <c>SecretExpired</c> announcement from Key Vault (through the webhook or the
    /// Service Bus receiver) keeps the check Degraded, unless a new version of that secret arrives first.
    /// </summary>
    /// <value>Default 30 days (Key Vault announces near expiry 30 days ahead).</value>
    public TimeSpan ExpiryAlertWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Tags of the check, to filter it into an endpoint (for example <c>ready</c>).</summary>
    public IList<string> Tags { get; } = [];
}
