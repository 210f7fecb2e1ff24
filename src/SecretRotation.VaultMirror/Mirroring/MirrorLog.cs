using Microsoft.Extensions.Logging;

namespace SecretRotation.VaultMirror.Mirroring;

/// <summary>Log messages of the mirror: secret names, paths and version ids, never values or tokens.</summary>
internal static partial class MirrorLog
{
    [LoggerMessage(400, LogLevel.Information, "Mirrored '{SecretName}' version {KeyVaultVersion} to {VaultPath} (Vault version {VaultVersion}).")]
    public static partial void Mirrored(ILogger logger, string secretName, string keyVaultVersion, string vaultPath, long vaultVersion);

    [LoggerMessage(401, LogLevel.Debug, "'{SecretName}' is already mirrored to {VaultPath} ({Reason}).")]
    public static partial void UpToDate(ILogger logger, string secretName, string vaultPath, string reason);

    [LoggerMessage(402, LogLevel.Warning, "'{SecretName}' is {State} in Key Vault; its Vault copy {VaultPath} is kept (Mirror:DeletePolicy is Keep).")]
    public static partial void InactiveKept(ILogger logger, string secretName, string state, string vaultPath);

    [LoggerMessage(403, LogLevel.Warning, "'{SecretName}' is {State} in Key Vault; soft-deleted the latest version of {VaultPath} (Mirror:DeletePolicy is Delete).")]
    public static partial void InactiveDeleted(ILogger logger, string secretName, string state, string vaultPath);

    [LoggerMessage(404, LogLevel.Warning, "{VaultPath} was written by someone else while mirroring '{SecretName}' (check-and-set on version {Cas} failed); nothing was overwritten, the next pass reconciles it.")]
    public static partial void CasConflict(ILogger logger, string secretName, string vaultPath, long cas);

    [LoggerMessage(405, LogLevel.Error, "Mirroring '{SecretName}' failed; the next pass retries.")]
    public static partial void SecretFailed(ILogger logger, Exception exception, string secretName);

    [LoggerMessage(406, LogLevel.Error, "Listing {Store} failed; the next pass retries.")]
    public static partial void ListFailed(ILogger logger, Exception exception, string store);

    [LoggerMessage(407, LogLevel.Information, "Mirror pass done in {ElapsedMs} ms: {Mirrored} mirrored, {Repaired} repaired, {Skipped} unchanged, {Removed} removed, {Failed} failed.")]
    public static partial void PassDone(ILogger logger, long elapsedMs, int mirrored, int repaired, int skipped, int removed, int failed);

    [LoggerMessage(408, LogLevel.Debug, "Recorded Key Vault version {KeyVaultVersion} of '{SecretName}' in the custom_metadata of {VaultPath} (value unchanged).")]
    public static partial void MetadataOnly(ILogger logger, string secretName, string keyVaultVersion, string vaultPath);

    [LoggerMessage(409, LogLevel.Information, "Mirror pass failed; the next one is in about {DelaySeconds} s.")]
    public static partial void PassFailed(ILogger logger, double delaySeconds);

    [LoggerMessage(410, LogLevel.Error, "The mirror pass threw; the next one is in about {DelaySeconds} s.")]
    public static partial void PassThrew(ILogger logger, Exception exception, double delaySeconds);

    [LoggerMessage(411, LogLevel.Information, "Event for '{SecretName}' (version {Version}): {Outcome}.")]
    public static partial void EventHandled(ILogger logger, string secretName, string? version, MirrorOutcome outcome);

    [LoggerMessage(412, LogLevel.Debug, "Event for '{SecretName}' in {Store} ignored: {Reason}.")]
    public static partial void EventIgnored(ILogger logger, string secretName, string store, string reason);


    [LoggerMessage(414, LogLevel.Critical, "Invalid configuration: {Problem}")]
    public static partial void InvalidConfiguration(ILogger logger, string problem);

    [LoggerMessage(415, LogLevel.Warning, "Refused to mirror '{SanitizedName}' ({Source}): not a Key Vault secret name (1-127 ASCII letters, digits and hyphens); no Vault path was built from it.")]
    public static partial void NameRefused(ILogger logger, string sanitizedName, string source);

    [LoggerMessage(416, LogLevel.Warning, "Repaired {VaultPath}: its current Vault version {VaultVersion} is not the version {MirroredVersion} the mirror wrote (changed by hand?); wrote Key Vault's version {KeyVaultVersion} of '{SecretName}' back (Vault version {WrittenVersion}).")]
    public static partial void Repaired(ILogger logger, string secretName, string vaultPath, long vaultVersion, long mirroredVersion, string keyVaultVersion, long writtenVersion);
}
