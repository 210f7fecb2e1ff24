namespace SecretRotation.Testing;

/// <summary>The injected Vault faults, first match wins; each use of a counted fault consumes one. Thread-safe.</summary>
internal sealed class VaultFaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<(VaultFault Fault, int? Remaining)> _faults = [];

    public void Add(VaultFault fault)
    {
        lock (_gate)
        {
            _faults.Add((fault, fault.Count));
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>The first fault that applies to the request, consuming one of its uses; <see langword="null"/> when none does.</summary>
    public VaultFault? Take(string method, string path)
    {
        lock (_gate)
        {
            for (var i = 0; i < _faults.Count; i++)
            {
                var (fault, remaining) = _faults[i];
                if ((fault.Method is not null && !string.Equals(fault.Method, method, StringComparison.OrdinalIgnoreCase))
                    || (fault.PathPrefix is not null && !IsUnder(path, fault.PathPrefix)))
                {
                    continue;
                }

                if (remaining is int left)
                {
                    if (left <= 1)
                    {
                        _faults.RemoveAt(i);
                    }
                    else
                    {
                        _faults[i] = (fault, left - 1);
                    }
                }

                return fault;
            }

            return null;
        }
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="prefix"/> or lies below it, segment by segment.</summary>
    public static bool IsUnder(string path, string prefix)
    {
        var normalized = NormalizePath(prefix).TrimEnd('/');
        if (normalized.Length == 0)
        {
            return true;
        }

        return path.StartsWith(normalized, StringComparison.Ordinal)
            && (path.Length == normalized.Length || path[normalized.Length] == '/');
    }

    /// <summary>Drops a leading <c>/v1/</c> or <c>/</c> so callers may pass either form.</summary>
    public static string NormalizePath(string path) =>
        path.StartsWith("/v1/", StringComparison.Ordinal) ? path[4..] : path.TrimStart('/');
}
