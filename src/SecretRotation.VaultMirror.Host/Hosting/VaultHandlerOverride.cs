namespace SecretRotation.VaultMirror.Hosting;

/// <summary>Registered by tests (or a host with custom TLS) to give the Vault client its HTTP handler; not disposed by the mirror.</summary>
internal sealed record VaultHandlerOverride(HttpMessageHandler Handler);
