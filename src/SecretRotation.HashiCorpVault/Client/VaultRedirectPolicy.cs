using System.Net;

namespace SecretRotation.HashiCorpVault.Client;

/// <summary>
/// Which redirects a Vault request may follow. Every request carries a token or a login body (a service-account JWT, an
/// AppRole secret id), so a redirect is followed only when it keeps both on a server the user named: at most one, only a
/// 307 or 308 (which keep the method and body), only to the configured scheme, host and port or to a host listed in
/// <c>HashiCorpVaultSource.AllowedRedirectHosts</c> (an HA standby sends clients to the active node), and never from
/// https to http. Anything else fails before a byte is sent to the new target, naming only its host.
/// </summary>
internal sealed class VaultRedirectPolicy
{
    private readonly Uri _address;
    private readonly HashSet<string> _allowedHosts;

    public VaultRedirectPolicy(Uri address, IEnumerable<string> allowedHosts)
    {
        _address = address;
        _allowedHosts = new HashSet<string>(allowedHosts.Select(NormalizeHost), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Whether the status asks the client to go elsewhere (300–399 with a meaning of "moved").</summary>
    public static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect or HttpStatusCode.MultipleChoices;

    /// <summary>A host as given in the options: a name or an IP address, without scheme, port or path.</summary>
    public static string NormalizeHost(string host)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        var trimmed = host.Trim();
        if (trimmed.Contains('/', StringComparison.Ordinal) || trimmed.Contains('@', StringComparison.Ordinal)
            || (trimmed.Contains(':', StringComparison.Ordinal) && !IPAddress.TryParse(trimmed.Trim('[', ']'), out _)))
        {
            throw new ArgumentException($"AllowedRedirectHosts: '{trimmed}' is not a host name; list hosts as 'vault-1.vault-internal' or '10.0.0.5', without scheme, port or path.", nameof(host));
        }

        return trimmed.Trim('[', ']').TrimEnd('.');
    }

    /// <summary>
    /// The target of the redirect <paramref name="response"/> when it may be followed; otherwise throws
    /// <see cref="VaultProtocolException"/> naming the refused host (never the token, the body or the target's path).
    /// </summary>
    public Uri Follow(HttpResponseMessage response, Uri requested, HttpMethod method, string path, int redirectsSoFar)
    {
        var status = (int)response.StatusCode;
        var location = response.Headers.Location;
        if (location is null)
        {
            throw new VaultProtocolException($"Vault answered {status} to {method} {path} without a Location; the request was not repeated.");
        }

        var target = location.IsAbsoluteUri ? location : new Uri(requested, location);
        var host = target.IsAbsoluteUri && target.Scheme is "http" or "https" ? target.Authority : "(not an http or https address)";
        var refusal = Refusal(response.StatusCode, requested, target, redirectsSoFar);
        if (refusal is not null)
        {
            throw new VaultProtocolException($"Vault answered {status} to {method} {path} with a redirect to {host}, which was not followed: {refusal}.");
        }

        return target;
    }

    private string? Refusal(HttpStatusCode status, Uri requested, Uri target, int redirectsSoFar)
    {
        if (redirectsSoFar > 0)
        {
            return "only one redirect is followed per request";
        }

        if (status is not (HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect))
        {
            return "only 307 and 308 (which keep the method and body) are followed";
        }

        if (target.Scheme is not ("http" or "https"))
        {
            return "only http and https addresses are followed";
        }

        if (requested.Scheme == Uri.UriSchemeHttps && target.Scheme == Uri.UriSchemeHttp)
        {
            return "a token is never sent from https to http";
        }

        var sameServer = string.Equals(target.Scheme, _address.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(target.IdnHost, _address.IdnHost, StringComparison.OrdinalIgnoreCase)
            && target.Port == _address.Port;
        if (sameServer || _allowedHosts.Contains(target.IdnHost.Trim('[', ']').TrimEnd('.')))
        {
            return null;
        }

        return $"it is not the configured Vault ({_address.Authority}) and not listed in AllowedRedirectHosts, so the token and body were not sent there";
    }
}
