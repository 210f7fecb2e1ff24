using Microsoft.Extensions.Logging;

namespace SecretRotation.HashiCorpVault;

/// <summary>Log messages of the Vault source: paths, TTLs and versions, never tokens or values.</summary>
internal static partial class VaultLog
{
    [LoggerMessage(200, LogLevel.Information, "Logged in to Vault with {Auth}; token TTL {TtlSeconds} s, renewable {Renewable}.")]
    public static partial void LoggedIn(ILogger logger, string auth, double ttlSeconds, bool renewable);

    [LoggerMessage(201, LogLevel.Debug, "Renewed the Vault token ({Auth}); TTL now {TtlSeconds} s; at its max TTL: {AtMaxTtl}.")]
    public static partial void TokenRenewed(ILogger logger, string auth, double ttlSeconds, bool atMaxTtl);

    [LoggerMessage(202, LogLevel.Warning, "Renewing the Vault token ({Auth}) failed; logging in again if the method can, else using it until it expires.")]
    public static partial void TokenRenewalFailed(ILogger logger, Exception exception, string auth);

    [LoggerMessage(203, LogLevel.Debug, "Renewed lease of {Path}: {TtlSeconds} s more; renewal exhausted: {Exhausted}.")]
    public static partial void LeaseRenewed(ILogger logger, string path, double ttlSeconds, bool exhausted);

    [LoggerMessage(204, LogLevel.Information, "Read {Path} ({Kind}){LeaseNote}.")]
    public static partial void SecretRead(ILogger logger, string path, VaultSecretKind kind, string leaseNote);

    [LoggerMessage(205, LogLevel.Warning, "Renewing the lease of {Path} failed; reading it again for new credentials.")]
    public static partial void LeaseRenewalFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(206, LogLevel.Warning, "Vault refused {Path} (403) and the token is dead; logging in again and retrying once.")]
    public static partial void PermissionDeniedRetrying(ILogger logger, string path);

    [LoggerMessage(207, LogLevel.Warning, "The latest version of {Path} is deleted or destroyed; its keys drop out.")]
    public static partial void Kv2VersionGone(ILogger logger, string path);

    [LoggerMessage(208, LogLevel.Information, "The token is valid but may not read the metadata of {Path}; until the next login, polling reads its data instead.")]
    public static partial void MetadataDenied(ILogger logger, string path);

    [LoggerMessage(209, LogLevel.Warning, "Vault refused the token ({Auth}) on auth/token/lookup-self: it is dead (revoked or expired).")]
    public static partial void TokenRefused(ILogger logger, string auth);

    [LoggerMessage(210, LogLevel.Warning, "A fresh token ({Auth}) may not call auth/token/lookup-self either; from now on a 403 is read as the policy denying the path, and only the token's TTL ends it.")]
    public static partial void LookupSelfDenied(ILogger logger, string auth);

    [LoggerMessage(211, LogLevel.Warning, "Reading {Path} failed; the other paths keep their state and leases, and the read is retried.")]
    public static partial void PathReadFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(212, LogLevel.Information, "The kind of {Path} was decided by its first read, because {Probe}: {Kind}, as {Evidence}. Map it with an explicit VaultSecretKind to skip the guess.")]
    public static partial void KindDecided(ILogger logger, string path, string probe, VaultSecretKind kind, string evidence);

    [LoggerMessage(213, LogLevel.Debug, "{Path} is read as {Kind}: its mount {Mount} is of type {Type}.")]
    public static partial void KindDetected(ILogger logger, string path, VaultSecretKind kind, string type, string mount);
}
