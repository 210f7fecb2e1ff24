using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// Listens to <see cref="IOptionsMonitor{TOptions}.OnChange(Action{TOptions, string?})"/> and completes a task, with the
/// <see cref="Stopwatch"/> timestamp taken inside the callback, when a callback carries the password being waited for.
/// </summary>
internal sealed class ChangeProbe : IDisposable
{
    private readonly Lock _gate = new();
    private readonly IDisposable? _registration;
    private string? _expectedPassword;
    private TaskCompletionSource<long>? _seen;
    private int _callbacks;
    private int _torn;

    public ChangeProbe(IOptionsMonitor<DbCredentials> monitor)
    {
        _registration = monitor.OnChange(OnChange);
    }

    /// <summary>How many times the monitor called back, whatever the value.</summary>
    public int Callbacks => Volatile.Read(ref _callbacks);

    /// <summary>Callbacks whose user did not belong with their password (the payload writes <c>user-&lt;password&gt;</c>).</summary>
    public int Torn => Volatile.Read(ref _torn);

    /// <summary>Starts waiting for <paramref name="password"/>; the task's result is the timestamp of the callback that carried it.</summary>
    public Task<long> Expect(string password)
    {
        var seen = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _expectedPassword = password;
            _seen = seen;
        }

        return seen.Task;
    }

    public void Dispose() => _registration?.Dispose();

    private void OnChange(DbCredentials credentials, string? name)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _callbacks);
        if (!string.Equals(credentials.User, "user-" + credentials.Password, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _torn);
        }

        lock (_gate)
        {
            if (_seen is not null && string.Equals(credentials.Password, _expectedPassword, StringComparison.Ordinal))
            {
                _seen.TrySetResult(now);
                _seen = null;
            }
        }
    }
}
