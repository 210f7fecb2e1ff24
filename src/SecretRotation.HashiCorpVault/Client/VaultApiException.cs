using System.Net;

namespace SecretRotation.HashiCorpVault;

/// <summary>
/// Vault answered with an error status. The message has the method, the path, the status and Vault's own <c>errors</c>
/// (which never contain secret values), plus a hint for the common cases.
/// </summary>
public sealed class VaultApiException : Exception
{
    internal VaultApiException(HttpMethod method, string path, HttpStatusCode status, IReadOnlyList<string> errors, TimeSpan? retryAfter)
        : base(Describe(method, path, status, errors))
    {
        Method = method;
        Path = path;
        Status = status;
        Errors = errors;
        RetryAfter = retryAfter;
    }

    /// <summary>The request's method (<c>LIST</c> for a listing).</summary>
    public HttpMethod Method { get; }

    /// <summary>The request's path under <c>/v1/</c>, as sent (URL-escaped).</summary>
    public string Path { get; }

    /// <summary>The HTTP status Vault answered.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>Vault's <c>errors</c> list; empty when it sent none.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>The <c>Retry-After</c> Vault sent (a 429 from a rate-limit quota), or <see langword="null"/>.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Whether Vault refused the token: a 403, or an error that says permission denied.</summary>
    public bool IsPermissionDenied =>
        Status == HttpStatusCode.Forbidden || Errors.Any(e => e.Contains("permission denied", StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether a KV v2 write failed its check-and-set: the secret's current version is no longer the one given.</summary>
    public bool IsCheckAndSetConflict =>
        Status == HttpStatusCode.BadRequest && Errors.Any(e => e.Contains("check-and-set", StringComparison.OrdinalIgnoreCase));

    private static string Describe(HttpMethod method, string path, HttpStatusCode status, IReadOnlyList<string> errors)
    {
        var detail = errors.Count == 0 ? "no error text" : string.Join("; ", errors.Select(e => e.Replace("\n", " ", StringComparison.Ordinal).Replace("\t", " ", StringComparison.Ordinal).Trim()));
        var hint = status switch
        {
            HttpStatusCode.Forbidden => $" The token's policies must grant \"{Capability(method)}\" on \"{path}\" (path \"{path}\" {{ capabilities = [\"{Capability(method)}\"] }}), or the token is no longer valid.",
            HttpStatusCode.ServiceUnavailable => " Vault is sealed, on standby or unavailable; the last good data is kept and the read retried.",
            HttpStatusCode.TooManyRequests => " A Vault rate-limit quota was exceeded; the read is retried with backoff.",
            HttpStatusCode.NotFound => " Nothing is stored at this path (or the token may not see it).",
            _ => string.Empty,
        };
        return $"Vault answered {(int)status} to {method} {path}: {detail}.{hint}";
    }

    /// <summary>The ACL capability a request needs (Vault maps POST and PUT to create or update; an existing path needs update).</summary>
    private static string Capability(HttpMethod method) => method.Method.ToUpperInvariant() switch
    {
        "GET" or "HEAD" => "read",
        "LIST" => "list",
        "DELETE" => "delete",
        "PATCH" => "patch",
        _ => "update",
    };
}
