namespace AksSample;

/// <summary>The start-up log lines of <c>Program</c>.</summary>
public static partial class StartupLog
{
    [LoggerMessage(3000, LogLevel.Information, "Local demo mode: secrets volume {MountPath} is rewritten every {RotationInterval}; the Key Vault emulator {VaultUri} gets a new version of {SecretName} every {KeyVaultRotationInterval} (polled every {PollInterval}, plus a simulated push after each rotation). Set Secrets__MountPath and/or KeyVault__VaultUri to read real secrets. Open {Url}")]
    public static partial void DemoMode(ILogger logger, string mountPath, TimeSpan rotationInterval, string vaultUri, string secretName, TimeSpan keyVaultRotationInterval, TimeSpan pollInterval, string url);

    [LoggerMessage(3001, LogLevel.Information, "Mounted secrets mode: reading {MountPath}. Listening on {Url}")]
    public static partial void MountMode(ILogger logger, string mountPath, string url);

    [LoggerMessage(3002, LogLevel.Information, "Azure Key Vault mode: reading {VaultUri} ({Selection}), polled every {PollInterval}. Listening on {Url}")]
    public static partial void KeyVaultMode(ILogger logger, string vaultUri, string selection, TimeSpan pollInterval, string url);

    [LoggerMessage(3003, LogLevel.Information, "Mounted secrets + Azure Key Vault mode: reading {MountPath}, then {VaultUri} ({Selection}, polled every {PollInterval}), which wins for keys both supply. Listening on {Url}")]
    public static partial void MountAndKeyVaultMode(ILogger logger, string mountPath, string vaultUri, string selection, TimeSpan pollInterval, string url);
}
