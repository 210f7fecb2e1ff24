using System.Runtime.ExceptionServices;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace SecretRotation.Benchmarks.Harness.Fleet;

/// <summary>
/// Azure.Core's default retry behaviour (3 retries; exponential delay from 0.8 s up to 1 min with jitter, never sooner than
/// a <c>Retry-After</c>/<c>retry-after-ms</c> the answer asked for; 408, 429, 500, 502, 503, 504 and transport errors are
/// retried), computed by Azure.Core's own <see cref="DelayStrategy"/>, but waiting on the simulation's fake clock so a
/// simulated replica's retries reach the vault at the simulated times. Tracks whether its replica is parked in a retry
/// wait, so the simulation knows the replica has nothing to do until the clock moves.
/// </summary>
internal sealed class FakeClockRetryPolicy(TimeProvider clock) : HttpPipelinePolicy
{
    private const int MaxRetries = 3;

    private readonly DelayStrategy _delays = DelayStrategy.CreateExponentialDelayStrategy(TimeSpan.FromSeconds(0.8), TimeSpan.FromMinutes(1));
    private readonly Lock _gate = new();
    private TaskCompletionSource _parked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _parkedCount;

    /// <summary>Retries made (each is one more request that reached the vault).</summary>
    public int Retries;

    public bool IsParked => Volatile.Read(ref _parkedCount) > 0;

    /// <summary>Completes when the replica parks in a retry wait (at once if it is parked).</summary>
    public Task WhenParked()
    {
        lock (_gate)
        {
            return _parkedCount > 0 ? Task.CompletedTask : _parked.Task;
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        for (var attempt = 1; ; attempt++)
        {
            ExceptionDispatchInfo? failure = null;
            try
            {
                await ProcessNextAsync(message, pipeline);
            }
            catch (RequestFailedException exception)
            {
                failure = ExceptionDispatchInfo.Capture(exception);
            }

            var retriable = failure is not null
                ? !message.CancellationToken.IsCancellationRequested
                : message.ResponseClassifier.IsRetriableResponse(message);
            if (!retriable || attempt > MaxRetries)
            {
                failure?.Throw();
                return;
            }

            var delay = _delays.GetNextDelay(failure is null ? message.Response : null, attempt);
            Interlocked.Increment(ref Retries);
            await ParkAsync(delay, message.CancellationToken);
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    private async Task ParkAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var woken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _parkedCount++;
            _parked.TrySetResult();
        }

        // The timer's callback runs inside the clock's Advance: the replica counts as busy again before Advance returns.
        using var timer = clock.CreateTimer(_ => Unpark(woken), null, delay, Timeout.InfiniteTimeSpan);
        using var registration = cancellationToken.Register(() => Unpark(woken));
        await woken.Task;
        cancellationToken.ThrowIfCancellationRequested();
    }

    private void Unpark(TaskCompletionSource woken)
    {
        lock (_gate)
        {
            if (woken.Task.IsCompleted)
            {
                return;
            }

            if (--_parkedCount == 0)
            {
                _parked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            woken.TrySetResult();
        }
    }
}
