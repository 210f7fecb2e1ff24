using Azure.Security.KeyVault.Secrets;
using SecretRotation.AzureKeyVault.Internal;

namespace SecretRotation;

/// <summary>
/// Secrets from one Azure Key Vault, read with the Azure SDK's <see cref="SecretClient"/>. Either the whole vault (lists
/// secret properties, then fetches only new or changed secrets: needs the List and Get permissions) or a fixed list of
/// named secrets (needs only Get; no List call is ever made). Change notices of kind <see cref="SecretStoreKinds.AzureKeyVault"/>
/// that name this vault's host (or its name) are its own.
/// </summary>
public sealed class AzureKeyVaultSecretsSource : SecretConfigurationSource
{
    /// <summary>
    /// The reads per second a fleet spreads its push fetches and retries over when <see cref="ExpectedReplicas"/> is given:
    /// 90 % of Key Vault's published limit (4,000 transactions per 10 s per vault), leaving the rest to polls.
    /// </summary>
    public const int FleetReadsPerSecond = 360;

    /// <summary>Creates a source that polls every 5 minutes (±10 %), every hour while push covers it.</summary>
    public AzureKeyVaultSecretsSource()
    {
        PollInterval = TimeSpan.FromMinutes(5);
        PushCoveredPollInterval = TimeSpan.FromHours(1);
    }

    /// <summary>
    /// A fleet-size hint: how many replicas read this vault with this configuration (e.g. the deployment's replicas at its
    /// largest, surge included). When set and <see cref="SecretConfigurationSource.FleetSpread"/> is left at zero, the fleet
    /// spread is <c>ExpectedReplicas ÷ <see cref="FleetReadsPerSecond"/></c> seconds (10,000 replicas: 27.8 s), so one event
    /// pushed to every replica, or an outage they all saw, reaches the vault within its limit. See docs/scaling.md.
    /// </summary>
    /// <value>Default <see langword="null"/>: a single pod, no spread, no added latency.</value>
    public int? ExpectedReplicas { get; set; }

    /// <inheritdoc />
    protected override TimeSpan DerivedFleetSpread =>
        ExpectedReplicas is { } replicas && replicas > 1
            ? TimeSpan.FromSeconds(Math.Min(replicas, 1_000_000) / (double)FleetReadsPerSecond)
            : TimeSpan.Zero;

    /// <summary>The client to read with. Required; the <c>AddAzureKeyVaultSecrets</c> overloads set it.</summary>
    public SecretClient? Client { get; set; }

    /// <summary>
    /// The secrets to read, by name, or <see langword="null"/> for the whole vault. With names, no List call is made, so
    /// the identity needs only the Get permission (or the role "Key Vault Secrets User" scoped to those secrets).
    /// </summary>
    /// <value>Default <see langword="null"/> (the whole vault).</value>
    public IList<string>? SecretNames { get; set; }

    /// <summary>
    /// Keep only secrets whose names start with this (e.g. <c>myapp--</c>) and strip it from their keys. Cannot be combined
    /// with a custom <see cref="Mapper"/> (give the prefix to the mapper instead).
    /// </summary>
    public string? Prefix { get; set; }

    /// <summary>Which secrets to include and their configuration keys.</summary>
    /// <value>Default <see cref="KeyVaultSecretMapper"/>: <c>--</c> maps to <c>:</c>.</value>
    public KeyVaultSecretMapper? Mapper { get; set; }

    /// <summary>How many secrets are fetched at once (initial load, and a poll that finds many changes).</summary>
    /// <value>Default 16.</value>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>
    /// Whether a secret whose content type is <c>application/json</c> is expanded into a section (its JSON object flattened
    /// under the secret's key) instead of being one value.
    /// </summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool ExpandJsonSecrets { get; set; }

    /// <inheritdoc />
    protected override ISecretSource CreateSecretSource()
    {
        if (Client is null)
        {
            throw new ArgumentException("AzureKeyVaultSecretsSource.Client must be set (use AddAzureKeyVaultSecrets(vaultUri, credential) or pass a SecretClient).", nameof(Client));
        }

        if (ExpectedReplicas is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ExpectedReplicas), ExpectedReplicas, "ExpectedReplicas must be at least 1.");
        }

        if (MaxConcurrency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), MaxConcurrency, "MaxConcurrency must be at least 1.");
        }

        if (Mapper is not null && !string.IsNullOrEmpty(Prefix))
        {
            throw new ArgumentException("Set either Prefix or Mapper, not both: pass the prefix to the mapper's constructor.", nameof(Prefix));
        }

        if (SecretNames is not null && SecretNames.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("SecretNames must not contain empty names.", nameof(SecretNames));
        }

        return new KeyVaultSecretReader(
            Client,
            SecretNames?.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
            Mapper ?? new KeyVaultSecretMapper(Prefix),
            MaxConcurrency,
            ExpandJsonSecrets,
            TimeProvider);
    }
}
