using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SecretRotation.AspNetCore.Http;

/// <summary>Checks the shared key in constant time against every accepted key (several, so keys can be rotated).</summary>
internal sealed class SharedKeyValidator
{
    private readonly byte[][] _keyHashes;
    private readonly string _queryParameter;
    private readonly string _header;
    private readonly bool _allowAnonymous;

    public SharedKeyValidator(SecretRotationEventsOptions options)
    {
        _keyHashes = options.AccessKeys.Where(k => !string.IsNullOrEmpty(k)).Select(Hash).ToArray();
        _queryParameter = options.KeyQueryParameter;
        _header = options.KeyHeader;
        _allowAnonymous = options.AllowAnonymous;
    }

    public bool IsAuthorized(HttpRequest request)
    {
        if (_keyHashes.Length == 0)
        {
            return _allowAnonymous;
        }

        string? presented = request.Query.TryGetValue(_queryParameter, out var fromQuery) && fromQuery.Count == 1 ? fromQuery[0]
            : request.Headers.TryGetValue(_header, out var fromHeader) && fromHeader.Count == 1 ? fromHeader[0]
            : null;
        if (string.IsNullOrEmpty(presented) || presented.Length > 1024)
        {
            return false;
        }

        // Hashing first makes every comparison the same length; every key is compared, whichever matches.
        var hash = Hash(presented);
        var matched = false;
        foreach (var key in _keyHashes)
        {
            matched |= CryptographicOperations.FixedTimeEquals(hash, key);
        }

        return matched;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
