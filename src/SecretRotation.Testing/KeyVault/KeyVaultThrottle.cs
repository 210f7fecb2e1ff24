namespace SecretRotation.Testing;

/// <summary>
/// Key Vault's per-vault transaction limit as a sliding window on the emulator's clock: at most <c>limit</c> accepted
/// transactions in any 10 seconds. A refused request (429) does not count, as the service documents ("failed requests
/// that return a 429 do not count towards the throttle limits"). Thread-safe.
/// </summary>
internal sealed class KeyVaultThrottle
{
    /// <summary>The window the published limit is counted over.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private readonly long _window;
    private readonly Lock _gate = new();

    // The timestamps of the accepted requests still inside the window, oldest first (a ring of `limit` slots).
    private readonly long[] _accepted;
    private int _head;
    private int _count;

    public KeyVaultThrottle(int limit, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        _time = time;
        _accepted = new long[limit];
        _window = (long)(Window.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Takes one transaction if the window has room.</summary>
    /// <param name="retryAfter">When refused: how long until the oldest accepted transaction leaves the window (at least 1 s, whole seconds).</param>
    /// <returns><see langword="true"/> when accepted.</returns>
    public bool TryAcquire(out TimeSpan retryAfter)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            while (_count > 0 && now - _accepted[_head] >= _window)
            {
                _head = (_head + 1) % _accepted.Length;
                _count--;
            }

            if (_count < _accepted.Length)
            {
                _accepted[(_head + _count) % _accepted.Length] = now;
                _count++;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            var wait = TimeSpan.FromSeconds((double)(_accepted[_head] + _window - now) / _time.TimestampFrequency);
            retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(wait.TotalSeconds)));
            return false;
        }
    }
}
