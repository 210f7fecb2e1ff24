using Microsoft.Extensions.Time.Testing;

namespace SecretRotation.TestSupport;

/// <summary>
/// Drives a refresh loop on a fake clock: moves the clock only once the loop is idle (its timer exists) and returns once the
/// loop has handled the move, so tests move time instead of waiting.
/// </summary>
/// <param name="time">The clock the loop runs on.</param>
/// <param name="whenIdle">Completes once the loop is blocked on its timer or a new request (the engine's <c>WhenIdleAsync</c>).</param>
public sealed class FakeClockLoop(FakeTimeProvider time, Func<Task> whenIdle)
{
    /// <summary>Moves the clock (once the loop's timer exists) and waits until the loop has handled it.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        await whenIdle().WithTimeout("the refresh loop to wait");
        time.Advance(by);
        await whenIdle().WithTimeout("the refresh loop to finish");
    }

    /// <summary>Moves the clock in steps, so every timer due on the way runs at (about) its time.</summary>
    public async Task AdvanceInStepsAsync(TimeSpan total, TimeSpan step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, TimeSpan.Zero);
        for (var moved = TimeSpan.Zero; moved < total; moved += step)
        {
            await AdvanceAsync(step);
        }
    }
}
