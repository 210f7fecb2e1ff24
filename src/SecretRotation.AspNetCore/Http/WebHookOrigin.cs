using System.Net;
using System.Net.Sockets;

namespace SecretRotation.AspNetCore.Http;

/// <summary>
/// The <c>WebHook-Request-Origin</c> of the CloudEvents OPTIONS handshake is echoed in <c>WebHook-Allowed-Origin</c>: only a value
/// that is plausibly a host name is (Event Grid sends <c>eventgrid.azure.net</c>), so nothing else from the request reaches a
/// response header.
/// </summary>
internal static class WebHookOrigin
{
    /// <summary>The longest DNS name (RFC 1035), without a trailing dot.</summary>
    public const int MaxLength = 253;

    private const int MaxLabelLength = 63;

    /// <summary>
    /// Whether <paramref name="origin"/> is a DNS name (dot-separated labels of ASCII letters, digits and inner hyphens, at most
    /// <see cref="MaxLength"/> characters) or an IP address (IPv6 in brackets or bare).
    /// </summary>
    public static bool IsPlausibleHost(string? origin)
    {
        if (string.IsNullOrEmpty(origin) || origin.Length > MaxLength)
        {
            return false;
        }

        if (origin.Contains(':', StringComparison.Ordinal))
        {
            var bare = origin.StartsWith('[') && origin.EndsWith(']') ? origin[1..^1] : origin;
            return bare.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.')
                && IPAddress.TryParse(bare, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        foreach (var label in origin.Split('.'))
        {
            if (label.Length is 0 or > MaxLabelLength || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }
}
