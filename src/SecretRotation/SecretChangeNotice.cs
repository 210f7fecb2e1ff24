namespace SecretRotation;

/// <summary>
/// A transport-neutral notice that a secret changed in a store, as a push handler (Event Grid, Service Bus) or user
/// code reports it. Each source decides whether a notice is its own.
/// </summary>
/// <param name="StoreKind">The kind of store, e.g. <see cref="SecretStoreKinds.AzureKeyVault"/>.</param>
/// <param name="Store">The store's name or host, e.g. a vault name or <c>myvault.vault.azure.net</c>.</param>
/// <param name="SecretName">The name of the secret in the store.</param>
/// <param name="Version">The new version, when the notice names one.</param>
public sealed record SecretChangeNotice(string StoreKind, string Store, string SecretName, string? Version = null);
