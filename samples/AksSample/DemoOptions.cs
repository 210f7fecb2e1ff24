namespace AksSample;

/// <summary>Settings of the local demo mode, bound from the <c>Demo</c> section.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>How often <see cref="DemoRotator"/> publishes a new payload into the volume. Default 5 seconds.</summary>
    public TimeSpan RotationInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often <see cref="DemoKeyVaultRotator"/> writes a new version of the API key into the Key Vault emulator. Default 15 seconds.</summary>
    public TimeSpan KeyVaultRotationInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often <see cref="DemoVaultRotator"/> writes a new version of the KV v2 secret into the HashiCorp Vault emulator.
    /// Default 30 seconds. (The dynamic database credentials rotate on their own lease clock, see <see cref="DemoVault"/>.)
    /// </summary>
    public TimeSpan VaultKvRotationInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the demo's Kubernetes Secret gets a new SigningKey (the app watches it through the API).</summary>
    public TimeSpan KubernetesRotationInterval { get; set; } = TimeSpan.FromSeconds(10);
}
