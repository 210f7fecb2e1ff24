using Microsoft.Extensions.Logging;

namespace SecretRotation.AzureKeyVault.Internal;

/// <summary>Log messages of the Key Vault source. Names and versions only, never values.</summary>
internal static partial class KeyVaultLog
{
    [LoggerMessage(100, LogLevel.Debug, "Secret '{SecretName}' in {Source} was deleted between the list and the get; it drops out.")]
    public static partial void DeletedBeforeGet(ILogger logger, string secretName, string source);

    [LoggerMessage(101, LogLevel.Debug, "Secret '{SecretName}' in {Source} is left out: {Reason}.")]
    public static partial void LeftOut(ILogger logger, string secretName, string source, string reason);

    [LoggerMessage(102, LogLevel.Warning, "Secrets '{Loser}' and '{Winner}' in {Source} both map to the key '{Key}'; the more recently updated '{Winner}' wins.")]
    public static partial void KeyCollision(ILogger logger, string key, string loser, string winner, string source);

    [LoggerMessage(103, LogLevel.Warning, "Secret '{SecretName}' in {Source} has content type application/json but is not a JSON object ({Problem}); it is used as one value.")]
    public static partial void JsonNotExpanded(ILogger logger, string secretName, string source, string problem);

    [LoggerMessage(104, LogLevel.Debug, "Change notice for '{SecretName}' version {Version} in {Source} names a version already seen; nothing to fetch.")]
    public static partial void StaleNotice(ILogger logger, string secretName, string version, string source);

    [LoggerMessage(105, LogLevel.Debug, "{Source}: listed {Listed} secret(s) in {Pages} page(s), fetched {Fetched}.")]
    public static partial void PollSummary(ILogger logger, string source, int listed, int pages, int fetched);

    [LoggerMessage(106, LogLevel.Debug, "Change notices name {Count} secret(s) of {Source}, {Unlisted} not in its last listing: listing the vault instead of fetching each.")]
    public static partial void NoticesListVault(ILogger logger, int count, int unlisted, string source);

    [LoggerMessage(107, LogLevel.Debug, "Change notices name {Count} secret(s) of {Source}, {Unlisted} not in its last listing; it was listed moments ago, so the next listing is at {Due:O}.")]
    public static partial void NoticesWaitForListing(ILogger logger, int count, int unlisted, string source, DateTimeOffset due);
}
