namespace SecretRotation.Cli.Rotate;

/// <summary>What a rotation wrote: where, the new version, and the new value's fingerprint (never the value).</summary>
/// <param name="Target">The secret, e.g. <c>Db--Password in https://myvault.vault.azure.net/</c>.</param>
/// <param name="Version">The new version, as the store names it.</param>
/// <param name="Fingerprint">See <see cref="Cli.Fingerprint"/>.</param>
/// <param name="Detail">A note such as the check-and-set version, or <see langword="null"/>.</param>
internal sealed record RotationResult(string Target, string Version, string Fingerprint, string? Detail);
