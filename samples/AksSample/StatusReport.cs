using SecretRotation;

namespace AksSample;

/// <summary>Everything <c>/</c> and <c>/status</c> show. Holds no secret value.</summary>
/// <param name="Mode"><c>demo</c>, or the sources read joined by <c>+</c>: <c>mount</c>, <c>file</c>, <c>keyvault</c>, <c>vault</c>.</param>
/// <param name="MountPath">The secret directory the app reads, or <see langword="null"/>.</param>
/// <param name="RenderedFile">The rendered secrets file the app reads (Vault Agent), or <see langword="null"/>.</param>
/// <param name="VaultUri">The Azure Key Vault the app reads, or <see langword="null"/>.</param>
/// <param name="HashiCorpVaultAddress">The HashiCorp Vault the app reads, or <see langword="null"/>.</param>
/// <param name="HashiCorpVaultPaths">The Vault paths read and their sections (<c>secret/aks-sample/db -> Database</c>).</param>
/// <param name="GeneratedAt">When this report was made.</param>
/// <param name="Secrets">The bound secrets, by fingerprint.</param>
/// <param name="Sources">Each secret refresher's health, in precedence order (the last wins for a key several supply).</param>
public sealed record StatusReport(
    string Mode,
    string? MountPath,
    string? RenderedFile,
    string? VaultUri,
    string? HashiCorpVaultAddress,
    IReadOnlyList<string> HashiCorpVaultPaths,
    DateTimeOffset GeneratedAt,
    IReadOnlyList<SecretReport> Secrets,
    IReadOnlyList<SecretSourceStatus> Sources)
{
    /// <summary>The PostgreSQL load's counts (queries served / failed), or <see langword="null"/> when it is off.</summary>
    public PostgresLoadReport? Postgres { get; init; }
}
