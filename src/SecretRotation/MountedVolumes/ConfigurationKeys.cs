using Microsoft.Extensions.Configuration;

namespace SecretRotation.MountedVolumes;

/// <summary>Maps file names and rendered keys to configuration keys.</summary>
internal static class ConfigurationKeys
{
    /// <summary>Turns one name segment into key form: <c>__</c> becomes <c>:</c>.</summary>
    public static string FromSegment(string segment) => segment.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);

    /// <summary>Puts <paramref name="key"/> under <paramref name="prefix"/> (a section such as <c>Db</c>), if there is one.</summary>
    public static string WithPrefix(string? prefix, string key) =>
        string.IsNullOrEmpty(prefix) ? key : ConfigurationPath.Combine(prefix, key);
}
