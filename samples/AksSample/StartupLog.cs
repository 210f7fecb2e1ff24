namespace AksSample;

/// <summary>The start-up log lines of <c>Program</c>.</summary>
public static partial class StartupLog
{
    [LoggerMessage(3000, LogLevel.Information, "Local demo mode: secrets volume {MountPath} is rewritten every {RotationInterval}; the Key Vault emulator {VaultUri} gets a new version of {SecretName} every {KeyVaultRotationInterval} (polled every {PollInterval}; after each rotation Event Grid's SecretNewVersionCreated event is delivered to {EventsPath}). Set Secrets__MountPath, Secrets__RenderedFile, KeyVault__VaultUri and/or Vault__Address to read real secrets. Open {Url}")]
    public static partial void DemoMode(ILogger logger, string mountPath, TimeSpan rotationInterval, string vaultUri, string secretName, TimeSpan keyVaultRotationInterval, TimeSpan pollInterval, string eventsPath, string url);

    [LoggerMessage(3005, LogLevel.Information, "Local demo mode: the HashiCorp Vault emulator {VaultAddress} issues database credentials at {CredsPath} (lease {LeaseTtl}, renewable up to {LeaseMaxTtl}, so new ones about every minute) and gets a new version of {KvPath} every {KvRotationInterval} (polled every {PollInterval})")]
    public static partial void DemoVaultMode(ILogger logger, Uri vaultAddress, string credsPath, TimeSpan leaseTtl, TimeSpan leaseMaxTtl, string kvPath, TimeSpan kvRotationInterval, TimeSpan pollInterval);

    [LoggerMessage(3001, LogLevel.Information, "Reading the secrets volume {MountPath}")]
    public static partial void ReadingVolume(ILogger logger, string mountPath);

    [LoggerMessage(3004, LogLevel.Information, "Reading the rendered secrets file {RenderedFile} (watched; e.g. written by Vault Agent)")]
    public static partial void ReadingRenderedFile(ILogger logger, string renderedFile);

    [LoggerMessage(3013, LogLevel.Information, "Local demo mode: the Kubernetes API emulator {Address} holds the Secret {Secret} (SigningKey -> Database:SigningKey), updated every {RotationInterval}; the app lists it, then watches it (no poll wait)")]
    public static partial void DemoKubernetesMode(ILogger logger, Uri address, string secret, TimeSpan rotationInterval);

    [LoggerMessage(3012, LogLevel.Information, "Reading the Kubernetes Secret {Secret} through the API server (listed, then watched; polled every 5 minutes as a safety net)")]
    public static partial void ReadingKubernetesSecret(ILogger logger, string secret);

    [LoggerMessage(3002, LogLevel.Information, "Reading Azure Key Vault {VaultUri} ({Selection}), polled every {PollInterval}")]
    public static partial void ReadingKeyVault(ILogger logger, string vaultUri, string selection, TimeSpan pollInterval);

    [LoggerMessage(3006, LogLevel.Information, "Reading HashiCorp Vault {VaultAddress} with {Auth}: {Paths}; KV v2 polled every {PollInterval}, leases renewed and re-read on their own clock")]
    public static partial void ReadingHashiCorpVault(ILogger logger, string vaultAddress, string auth, string paths, TimeSpan pollInterval);

    [LoggerMessage(3003, LogLevel.Information, "Mode {Mode}: sources are read in this order and a later one wins for a key several supply. Listening on {Url}")]
    public static partial void ConfiguredMode(ILogger logger, string mode, string url);

    [LoggerMessage(3007, LogLevel.Information, "Push on: POST {EventsPath} turns Key Vault events from Event Grid into targeted refreshes; it accepts {KeyCount} key(s) from SecretRotation:EventKeys")]
    public static partial void PushOn(ILogger logger, string eventsPath, int keyCount);

    [LoggerMessage(3008, LogLevel.Information, "Push off: no key in SecretRotation:EventKeys (SecretRotation__EventKeys), so {EventsPath} is not mapped; Key Vault rotations arrive at the next poll")]
    public static partial void PushOff(ILogger logger, string eventsPath);

    [LoggerMessage(3009, LogLevel.Information, "Push on (local demo): POST {EventsPath} accepts the random key made at start-up for the demo's Event Grid deliveries (never logged), plus {KeyCount} key(s) from SecretRotation:EventKeys")]
    public static partial void DemoPush(ILogger logger, string eventsPath, int keyCount);

    [LoggerMessage(3010, LogLevel.Information, "Service Bus fan-out on: Key Vault events from topic {Topic} in {Namespace}, on a subscription of this replica's own (DefaultAzureCredential)")]
    public static partial void ServiceBusOn(ILogger logger, string topic, string @namespace);

    [LoggerMessage(3011, LogLevel.Information, "Health: GET {HealthPath} checks every secret source (Degraded, still HTTP 200, after {StalenessThreshold} without a successful read or {FailureThreshold} failed reads in a row; Unhealthy, 503, if a required source never loaded)")]
    public static partial void Health(ILogger logger, string healthPath, TimeSpan stalenessThreshold, int failureThreshold);
}
