using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace SecretRotation.TestSupport;

/// <summary>Counts reload-token firings and waits for a condition to hold after one.</summary>
public sealed class ReloadProbe : IDisposable
{
    private readonly IDisposable _subscription;
    private readonly SemaphoreSlim _fired = new(0);
    private int _count;

    public ReloadProbe(IConfiguration configuration)
    {
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, () =>
        {
            Interlocked.Increment(ref _count);
            _fired.Release();
        });
    }

    public int Count => Volatile.Read(ref _count);

    public async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Signal.Timeout;
        while (!condition())
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _fired.WaitAsync(left))
            {
                throw new TimeoutException($"Timed out after {Signal.Timeout.TotalSeconds} s waiting for {what}.");
            }
        }
    }

    public void Dispose()
    {
        _subscription.Dispose();
        _fired.Dispose();
    }
}
