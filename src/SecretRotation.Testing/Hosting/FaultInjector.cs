namespace SecretRotation.Testing;

/// <summary>The injected faults, first match wins; each use of a counted fault consumes one. Thread-safe.</summary>
/// <typeparam name="TFault">The emulator's fault type.</typeparam>
/// <param name="isUnder">Whether a request path (first argument) is a fault's <see cref="EmulatorFault.PathPrefix"/> (second) or lies below it.</param>
internal sealed class FaultInjector<TFault>(Func<string, string, bool> isUnder)
    where TFault : EmulatorFault
{
    private readonly Lock _gate = new();
    private readonly List<ActiveFault> _faults = [];

    /// <summary>Adds a fault after checking it, as the emulators' <c>InjectFault</c> documents.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="fault"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The fault's count is not positive, or its latency is negative.</exception>
    public void Add(TFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        if (fault.Count is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fault), fault.Count, "A fault's Count must be positive, or null for no limit.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(fault.Latency, TimeSpan.Zero);
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
    /// <param name="method">The request's HTTP method (compared case-insensitively).</param>
    /// <param name="path">The request path in the emulator's form.</param>
    /// <param name="applies">A further condition of the emulator's own; default none.</param>
    public TFault? Take(string method, string path, Func<TFault, bool>? applies = null)
    {
        lock (_gate)
        {
            for (var i = 0; i < _faults.Count; i++)
            {
                var active = _faults[i];
                if (!Matches(active.Fault, method, path) || (applies is not null && !applies(active.Fault)))
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

    private bool Matches(TFault fault, string method, string path) =>
        (fault.Method is null || string.Equals(fault.Method, method, StringComparison.OrdinalIgnoreCase))
        && (fault.PathPrefix is null || isUnder(path, fault.PathPrefix));

    private sealed record ActiveFault(TFault Fault, int? Remaining);
}
