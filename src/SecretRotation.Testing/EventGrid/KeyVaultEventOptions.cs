namespace SecretRotation.Testing;

/// <summary>Optional parts of the Key Vault events that <see cref="KeyVaultEvents"/> builds.</summary>
public sealed class KeyVaultEventOptions
{
    /// <summary>The vault URL the <c>Id</c> member is based on, for example a <see cref="KeyVaultEmulator.VaultUri"/> (<c>https://127.0.0.1:{port}/</c>).</summary>
    /// <value>Default <see langword="null"/>: <c>https://{vaultName}.vault.azure.net</c>.</value>
    public Uri? VaultUri { get; set; }

    /// <summary>The version's not-before attribute, written as <c>NBF</c> in whole Unix seconds.</summary>
    /// <value>Default <see langword="null"/>: unset, written as <c>null</c>.</value>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>The version's expiry attribute, written as <c>EXP</c> in whole Unix seconds.</summary>
    /// <value>Default <see langword="null"/>: unset, written as <c>null</c>.</value>
    public DateTimeOffset? Expires { get; set; }

    /// <summary>How <c>NBF</c> and <c>EXP</c> are written.</summary>
    /// <value>Default <see cref="KeyVaultTimestampFormat.Number"/>, as the SDK and captured deliveries have them.</value>
    public KeyVaultTimestampFormat TimestampFormat { get; set; } = KeyVaultTimestampFormat.Number;

    /// <summary>The Azure subscription id in the <c>topic</c>/<c>source</c> path.</summary>
    /// <value>Default <c>5f0c3e7a-0000-4c2e-9a6f-0d1e2c3b4a59</c>, a made-up subscription.</value>
    public string AzureSubscriptionId { get; set; } = EventGridWire.DefaultAzureSubscriptionId;

    /// <summary>The resource group in the <c>topic</c>/<c>source</c> path.</summary>
    /// <value>Default <c>secret-rotation-tests</c>.</value>
    public string ResourceGroup { get; set; } = "secret-rotation-tests";

    /// <summary>The event id.</summary>
    /// <value>Default <see langword="null"/>: a new GUID.</value>
    public string? EventId { get; set; }

    /// <summary>The event time.</summary>
    /// <value>Default <see langword="null"/>: now, from <see cref="TimeProvider.System"/>.</value>
    public DateTimeOffset? EventTime { get; set; }
}
