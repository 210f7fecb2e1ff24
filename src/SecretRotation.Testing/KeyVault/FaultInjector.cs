namespace SecretRotation.Testing;

/// <summary>The injected faults, first match wins; each use of a counted fault consumes one. Thread-safe.</summary>
internal sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<ActiveFault> _faults = [];

    public void Add(KeyVaultFault fault)
    {
        lock (_gate)
        {
            _faults.Add(new ActiveFault(fault, fault.Count));
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
    public KeyVaultFault? Take(string method, string path, bool authenticated)
    {
        lock (_gate)
        {
            for (var i = 0; i < _faults.Count; i++)
            {
                var active = _faults[i];
                if (!Applies(active.Fault, method, path, authenticated))
                {
                    continue;
                }

                if (active.Remaining is int remaining)
                {
                    if (remaining <= 1)
                    {
                        _faults.RemoveAt(i);
                    }
                    else
                    {
                        _faults[i] = active with { Remaining = remaining - 1 };
                    }
                }

                return active.Fault;
            }

            return null;
        }
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="prefix"/> or lies below it, segment by segment and ignoring case.</summary>
    internal static bool IsUnder(string path, string prefix)
    {
        var trimmedPrefix = prefix.TrimEnd('/');
        if (trimmedPrefix.Length == 0)
        {
            return true;
        }

        return path.StartsWith(trimmedPrefix, StringComparison.OrdinalIgnoreCase)
            && (path.Length == trimmedPrefix.Length || path[trimmedPrefix.Length] == '/');
    }

    private static bool Applies(KeyVaultFault fault, string method, string path, bool authenticated) =>
        (authenticated || fault.BeforeChallenge)
        && (fault.Method is null || string.Equals(fault.Method, method, StringComparison.OrdinalIgnoreCase))
        && (fault.PathPrefix is null || IsUnder(path, fault.PathPrefix));

    private sealed record ActiveFault(KeyVaultFault Fault, int? Remaining);
}
