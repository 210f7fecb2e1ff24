using Microsoft.AspNetCore.Http;

namespace AksSample;

/// <summary>Picks, from the addresses the server listens on (<c>IServerAddressesFeature</c>), one the app can call itself on.</summary>
public static class SelfAddress
{
    /// <summary>
    /// The best address to reach this app from inside its own process: plain HTTP before HTTPS (no certificate to trust), and
    /// loopback (<c>127.0.0.1</c>, <c>localhost</c>, <c>[::1]</c>) before other hosts. An address that listens on every
    /// interface (<c>[::]</c>, <c>0.0.0.0</c>, <c>*</c>, <c>+</c>, as <c>ASPNETCORE_HTTP_PORTS</c> makes) is called on
    /// <c>127.0.0.1</c>. Unix sockets and named pipes are skipped.
    /// </summary>
    /// <returns>The base address (scheme, host and port), or <see langword="null"/> when none is usable.</returns>
    public static Uri? Pick(IEnumerable<string> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        Uri? best = null;
        var bestRank = int.MaxValue;
        foreach (var address in addresses)
        {
            BindingAddress binding;
            try
            {
                binding = BindingAddress.Parse(address);
            }
            catch (Exception exception) when (exception is FormatException or OverflowException)
            {
                continue;
            }

            if (binding.IsUnixPipe || binding.IsNamedPipe || binding.Scheme is not ("http" or "https"))
            {
                continue;
            }

            var (host, isLoopback) = binding.Host switch
            {
                "+" or "*" or "[::]" or "0.0.0.0" => ("127.0.0.1", true),
                "127.0.0.1" or "[::1]" => (binding.Host, true),
                _ when string.Equals(binding.Host, "localhost", StringComparison.OrdinalIgnoreCase) => ("localhost", true),
                _ => (binding.Host, false),
            };
            var rank = (binding.Scheme == "http" ? 0 : 2) + (isLoopback ? 0 : 1);
            if (rank < bestRank)
            {
                best = new UriBuilder(binding.Scheme, host, binding.Port).Uri;
                bestRank = rank;
            }
        }

        return best;
    }
}
