using System.Net;

namespace SecretRotation.HashiCorpVault.Client;

/// <summary>
/// Vault answered with an error status. The message has the method, the path, the status and Vault's own <c>errors</c>
/// (which never contain secret values), plus a hint for the common cases.
/// </summary>
internal sealed class VaultApiException : Exception
{
    public VaultApiException(HttpMethod method, string path, HttpStatusCode status, IReadOnlyList<string> errors, TimeSpan? retryAfter)
        : base(Describe(method, path, status, errors))
    {
        Method = method;
        Path = path;
        Status = status;
        Errors = errors;
        RetryAfter = retryAfter;
    }

    public HttpMethod Method { get; }

    public string Path { get; }

    public HttpStatusCode Status { get; }

    public IReadOnlyList<string> Errors { get; }

    public TimeSpan? RetryAfter { get; }

    public bool IsPermissionDenied =>
        Status == HttpStatusCode.Forbidden || Errors.Any(e => e.Contains("permission denied", StringComparison.OrdinalIgnoreCase));

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
