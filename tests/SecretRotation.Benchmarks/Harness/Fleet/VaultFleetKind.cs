namespace SecretRotation.Benchmarks.Harness.Fleet;

/// <summary>What a request to Vault was for; <see cref="Errors"/> counts answers of 400 and above, across kinds.</summary>
internal enum VaultFleetKind
{
    KvMetadata,
    KvData,
    MountProbe,
    Login,
    TokenRenew,
    TokenLookup,
    LeaseRenew,
    Credentials,
    Other,
    Errors,
}
