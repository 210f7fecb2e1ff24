using Microsoft.Extensions.Time.Testing;

namespace SecretRotation.TestSupport;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells a test when code under test has started a timer (a <c>Task.Delay</c> on it, a
/// timeout), so the test moves the clock only once the timer exists instead of advancing in a loop.
/// </summary>
public sealed class SignalingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _dueTimes = [];
    private readonly List<(TimeSpan DueTime, TaskCompletionSource Done)> _waiters = [];

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_gate)
        {
            _dueTimes.Add(dueTime);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].DueTime == dueTime)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }

        return timer;
    }

    /// <summary>Completes once a timer with this due time has been created (now or earlier); the timer is then registered with the clock.</summary>
    /// <exception cref="TimeoutException">Not within <see cref="Signal.Timeout"/>.</exception>
    public Task WaitForTimerAsync(TimeSpan dueTime, string what)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_dueTimes.Contains(dueTime))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((dueTime, done));
        }

        return done.Task.WithTimeout(what);
    }
}
