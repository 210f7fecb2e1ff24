using SecretRotation.Shared;

namespace SecretRotation.MountedVolumes;

/// <summary>Maps file names and rendered keys to configuration keys (the rules themselves: <see cref="SecretKeyRules"/>, shared with the Kubernetes API source).</summary>
internal static class ConfigurationKeys
{
    /// <summary>Turns one name segment into key form: <c>__</c> becomes <c>:</c>.</summary>
    public static string FromSegment(string segment) => SecretKeyRules.FromSegment(segment);

    /// <summary>Puts <paramref name="key"/> under <paramref name="prefix"/> (a section such as <c>Db</c>), if there is one.</summary>
    public static string WithPrefix(string? prefix, string key) => SecretKeyRules.WithPrefix(prefix, key);
}
