using SecretRotation;

namespace AksSample;

/// <summary>Everything <c>/</c> and <c>/status</c> show. Holds no secret value.</summary>
/// <param name="Mode"><c>demo</c>, <c>mount</c>, <c>keyvault</c> or <c>mount+keyvault</c>.</param>
/// <param name="MountPath">The secret directory the app reads, or <see langword="null"/>.</param>
/// <param name="VaultUri">The Key Vault the app reads, or <see langword="null"/>.</param>
/// <param name="GeneratedAt">When this report was made.</param>
/// <param name="Secrets">The bound secrets, by fingerprint.</param>
/// <param name="Sources">Each secret refresher's health.</param>
public sealed record StatusReport(
    string Mode,
    string? MountPath,
    string? VaultUri,
    DateTimeOffset GeneratedAt,
    IReadOnlyList<SecretReport> Secrets,
    IReadOnlyList<SecretSourceStatus> Sources);
