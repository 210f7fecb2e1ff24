using System.Globalization;
using System.Text.Json.Nodes;

namespace SecretRotation.Testing;

/// <summary>
/// Builds the Key Vault secret events that Event Grid delivers: <c>subject</c> is the secret name, <c>topic</c>/<c>source</c> is the
/// vault's resource id, and <c>data</c> has the PascalCase members <c>Id</c> (the full versioned secret URL), <c>VaultName</c>,
/// <c>ObjectType</c> (<c>Secret</c>), <c>ObjectName</c>, <c>Version</c>, <c>NBF</c> and <c>EXP</c>.
/// </summary>
/// <remarks>
/// Sources: the Event Grid docs' Key Vault event schema page and the REST spec's examples (the docs' stray spaces in <c>"ObjectName "</c>
/// and <c>" {version}"</c> are not reproduced; build an <see cref="EventGridTestEvent"/> by hand to send those).
/// </remarks>
public static class KeyVaultEvents
{
    /// <summary>The event type raised when a secret or a new version of it is created.</summary>
    public const string SecretNewVersionCreatedType = "Microsoft.KeyVault.SecretNewVersionCreated";

    /// <summary>The event type raised for the current version 30 days before its expiry.</summary>
    public const string SecretNearExpiryType = "Microsoft.KeyVault.SecretNearExpiry";

    /// <summary>The event type raised when the current version expires.</summary>
    public const string SecretExpiredType = "Microsoft.KeyVault.SecretExpired";

    /// <summary>A <c>Microsoft.KeyVault.SecretNewVersionCreated</c> event.</summary>
    /// <param name="vaultName">The vault name (<c>VaultName</c>, and the last segment of the topic).</param>
    /// <param name="secretName">The secret name (<c>ObjectName</c> and <c>subject</c>).</param>
    /// <param name="version">The version id (<c>Version</c>, and the last segment of <c>Id</c>).</param>
    /// <param name="options">The vault URL, attributes, timestamp form and ids; default <see langword="null"/> for the defaults of <see cref="KeyVaultEventOptions"/>.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">A name or the version is empty, or <see cref="KeyVaultEventOptions.VaultUri"/> is relative.</exception>
    public static EventGridTestEvent SecretNewVersionCreated(string vaultName, string secretName, string version, KeyVaultEventOptions? options = null) =>
        Create(SecretNewVersionCreatedType, vaultName, secretName, version, options);

    /// <summary>A <c>Microsoft.KeyVault.SecretNearExpiry</c> event.</summary>
    /// <param name="vaultName">The vault name (<c>VaultName</c>, and the last segment of the topic).</param>
    /// <param name="secretName">The secret name (<c>ObjectName</c> and <c>subject</c>).</param>
    /// <param name="version">The version id (<c>Version</c>, and the last segment of <c>Id</c>).</param>
    /// <param name="options">The vault URL, attributes, timestamp form and ids; default <see langword="null"/> for the defaults of <see cref="KeyVaultEventOptions"/>.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">A name or the version is empty, or <see cref="KeyVaultEventOptions.VaultUri"/> is relative.</exception>
    public static EventGridTestEvent SecretNearExpiry(string vaultName, string secretName, string version, KeyVaultEventOptions? options = null) =>
        Create(SecretNearExpiryType, vaultName, secretName, version, options);

    /// <summary>A <c>Microsoft.KeyVault.SecretExpired</c> event.</summary>
    /// <param name="vaultName">The vault name (<c>VaultName</c>, and the last segment of the topic).</param>
    /// <param name="secretName">The secret name (<c>ObjectName</c> and <c>subject</c>).</param>
    /// <param name="version">The version id (<c>Version</c>, and the last segment of <c>Id</c>).</param>
    /// <param name="options">The vault URL, attributes, timestamp form and ids; default <see langword="null"/> for the defaults of <see cref="KeyVaultEventOptions"/>.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">A name or the version is empty, or <see cref="KeyVaultEventOptions.VaultUri"/> is relative.</exception>
    public static EventGridTestEvent SecretExpired(string vaultName, string secretName, string version, KeyVaultEventOptions? options = null) =>
        Create(SecretExpiredType, vaultName, secretName, version, options);

    private static EventGridTestEvent Create(string eventType, string vaultName, string secretName, string version, KeyVaultEventOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(vaultName);
        ArgumentException.ThrowIfNullOrEmpty(secretName);
        ArgumentException.ThrowIfNullOrEmpty(version);
        options ??= new KeyVaultEventOptions();
        if (options.VaultUri is { IsAbsoluteUri: false })
        {
            throw new ArgumentException("KeyVaultEventOptions.VaultUri must be an absolute URL.", nameof(options));
        }

        var vaultBase = options.VaultUri is null
            ? $"https://{vaultName}.vault.azure.net"
            : options.VaultUri.AbsoluteUri.TrimEnd('/');
        var data = new JsonObject
        {
            ["Id"] = $"{vaultBase}/secrets/{secretName}/{version}",
            ["VaultName"] = vaultName,
            ["ObjectType"] = "Secret",
            ["ObjectName"] = secretName,
            ["Version"] = version,
            ["NBF"] = Timestamp(options.NotBefore, options.TimestampFormat),
            ["EXP"] = Timestamp(options.Expires, options.TimestampFormat),
        };

        return new EventGridTestEvent
        {
            Id = options.EventId ?? Guid.NewGuid().ToString("D"),
            EventType = eventType,
            Topic = $"/subscriptions/{options.AzureSubscriptionId}/resourceGroups/{options.ResourceGroup}/providers/Microsoft.KeyVault/vaults/{vaultName}",
            Subject = secretName,
            Time = options.EventTime ?? TimeProvider.System.GetUtcNow(),
            Data = data,
            DataVersion = "1",
        };
    }

    private static JsonValue? Timestamp(DateTimeOffset? value, KeyVaultTimestampFormat format)
    {
        if (value is not DateTimeOffset time)
        {
            return null;
        }

        var seconds = time.ToUnixTimeSeconds();
        return format switch
        {
            KeyVaultTimestampFormat.Number => JsonValue.Create(seconds),
            KeyVaultTimestampFormat.NumericString => JsonValue.Create(seconds.ToString(CultureInfo.InvariantCulture)),
            KeyVaultTimestampFormat.Null => null,
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown timestamp format."),
        };
    }
}
