using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SecretRotation.AspNetCore.ServiceBus;

/// <summary>
/// The per-replica subscription name: <c>secret-rotation-</c> and the pod's name, lower-cased, with characters Service Bus
/// does not allow replaced by <c>-</c>, starting and ending with a letter or digit, at most 50 characters. When it had to be
/// shortened or changed, 8 hex digits of a hash of the pod's name end it, so distinct pods keep distinct subscriptions and
/// the same pod always gets the same one.
/// </summary>
internal static class SubscriptionNames
{
    public const int MaxLength = 50;
    public const string Prefix = "secret-rotation-";
    private const int HashLength = 8;

    /// <summary>The pod's name: <c>POD_NAME</c> (set from the downward API), else <c>HOSTNAME</c> (the pod's name in Kubernetes), else the machine name.</summary>
    public static string PodName(Func<string, string?> environment)
    {
        foreach (var variable in (string[])["POD_NAME", "HOSTNAME"])
        {
            if (environment(variable) is { } value && !string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }

        return Environment.MachineName;
    }

    public static string ForPod(string podName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(podName);
        var cleaned = new StringBuilder(podName.Length);
        foreach (var c in podName.Trim().ToLowerInvariant())
        {
            cleaned.Append(IsAllowed(c) ? c : '-');
        }

        var name = (Prefix + cleaned).TrimEnd('-', '.', '_');
        var changed = !string.Equals(cleaned.ToString(), podName, StringComparison.Ordinal) || name.Length != Prefix.Length + cleaned.Length;
        if (!changed && name.Length <= MaxLength)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(podName)), 0, HashLength / 2);
        var head = name[..Math.Min(name.Length, MaxLength - HashLength - 1)].TrimEnd('-', '.', '_');
        return string.Create(CultureInfo.InvariantCulture, $"{head}-{hash}");
    }

    /// <summary>Service Bus's rule for a subscription name: 1 to 50 letters, digits, <c>.</c>, <c>-</c> or <c>_</c>.</summary>
    public static bool IsValid(string name) => name.Length is > 0 and <= MaxLength && name.All(IsAllowed);

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_';
}
