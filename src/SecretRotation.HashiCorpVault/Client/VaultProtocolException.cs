namespace SecretRotation.HashiCorpVault.Client;

/// <summary>Vault answered something this client cannot understand. Never carries response content.</summary>
internal sealed class VaultProtocolException(string message) : Exception(message);
