namespace SecretRotation.Testing;

/// <summary>
/// A failure (and/or delay) that a <see cref="KeyVaultEmulator"/> injects into matching requests; see
/// <see cref="KeyVaultEmulator.InjectFault(KeyVaultFault)"/>.
/// </summary>
/// <remarks>
/// <para>A fault answers instead of the vault: the request does not reach the secret store. The error body has the Key Vault shape
/// <c>{"error":{"code","message"}}</c>; for 429 the code is <c>Throttled</c> with the service's throttling message.</para>
/// <para><see cref="EmulatorFault.PathPrefix"/> is compared by whole segments and case-insensitively: <c>/secrets/db</c> matches
/// <c>/secrets/db</c>, <c>/secrets/db/{version}</c> and <c>/secrets/db/versions</c> but not <c>/secrets/db2</c>; <c>/secrets</c>
/// matches every secret path.</para>
/// </remarks>
public sealed class KeyVaultFault : EmulatorFault
{
    /// <summary>The <c>error.code</c> of the failure body.</summary>
    /// <value>Default <see langword="null"/>: <c>Throttled</c> for 429, otherwise a code derived from the status.</value>
    public string? ErrorCode { get; init; }

    /// <summary>The <c>error.message</c> of the failure body.</summary>
    /// <value>Default <see langword="null"/>: the service's throttling message for 429, otherwise a generic message.</value>
    public string? ErrorMessage { get; init; }

    /// <summary>Whether the fault also applies to requests without a bearer token, before the 401 challenge.</summary>
    /// <value>Default <see langword="false"/>: only authenticated requests are affected, as a throttled vault still challenges first.</value>
    public bool BeforeChallenge { get; init; }
}
