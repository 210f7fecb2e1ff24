using Microsoft.Extensions.DependencyInjection;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.ZeroDowntime;

public sealed class RotatingClientConcurrencyTests
{
    private const int Workers = 8;
    private const int Swaps = 100;

    [Fact]
    public async Task ManyConcurrentLesseesAcrossManySwapsNeverSeeADisposedClient()
    {
        await using var harness = new RotatingClientHarness(time: TimeProvider.System);
        var client = harness.Client;
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var leases = 0L;
        var generationsSeen = new bool[Swaps + 2];
        var progress = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var target = long.MaxValue;

        async Task WorkAsync()
        {
            // Bounded in count and in time (the swaps below end it; the token's own timeout ends a broken run).
            for (var i = 0; i < 10_000_000 && !stop.IsCancellationRequested; i++)
            {
                using var lease = client.Lease();
                try
                {
                    lease.Client.Use();
                    await Task.Yield();
                    lease.Client.Use();
                    Volatile.Write(ref generationsSeen[lease.Generation], true);
                }
                catch (ObjectDisposedException)
                {
                    Interlocked.Increment(ref failures);
                }

                if (Interlocked.Increment(ref leases) >= Interlocked.Read(ref target))
                {
                    Volatile.Read(ref progress).TrySetResult();
                }
            }
        }

        stop.CancelAfter(Signal.Timeout * 2);
        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(WorkAsync)).ToArray();
        for (var swap = 2; swap <= Swaps + 1; swap++)
        {
            // Every swap happens while the workers are leasing.
            Volatile.Write(ref progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            Interlocked.Exchange(ref target, Interlocked.Read(ref leases) + (Workers * 4));
            await progress.Task.WithTimeout("the workers to take leases");
            await harness.SetAsync("Db:Password", $"p{swap}");
            Assert.Equal(swap, client.Generation);
        }

        Volatile.Write(ref progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Interlocked.Exchange(ref target, Interlocked.Read(ref leases) + (Workers * 4));
        await progress.Task.WithTimeout("the workers to lease the last generation");
        await stop.CancelAsync();
        await Task.WhenAll(workers).WithTimeout("the workers to stop");

        Assert.Equal(0, failures);
        Assert.True(leases > Swaps * Workers * 4, $"only {leases} leases were taken");
        Assert.All(generationsSeen.Skip(1), Assert.True);
        var built = harness.Built;
        Assert.Equal(Swaps + 1, built.Count);
        await Task.WhenAll(built.Take(Swaps).Select(instance => instance.Disposed)).WithTimeout("every replaced instance to be disposed");
        Assert.All(built.Take(Swaps), instance => Assert.Equal(1, instance.DisposeCount));
        Assert.False(built[^1].IsDisposed);
        Assert.Equal(0, harness.Engine.Status.ReplacedInstancesDraining);
        Assert.DoesNotContain(harness.Logs.Entries, entry => entry.EventId.Id == 42);
    }

    [Fact]
    public async Task ConcurrentReloadsBuildOneInstanceAtATimeAndEndOnTheLastValue()
    {
        var inFactory = 0;
        var mostInFactory = 0;
        await using var harness = new RotatingClientHarness(time: TimeProvider.System);
        harness.Fail = _ =>
        {
            var now = Interlocked.Increment(ref inFactory);
            InterlockedMax(ref mostInFactory, now);
            Thread.SpinWait(1000);
            Interlocked.Decrement(ref inFactory);
            return false;
        };
        var client = harness.Client;

        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 50; i++)
            {
                lock (harness.Configuration)
                {
                    harness.Configuration["Db:Password"] = $"w{worker}-{i}";
                }

                harness.Configuration.Reload();
            }
        }))).WithTimeout("the reloads");
        harness.Configuration["Db:Password"] = "final";
        harness.Configuration.Reload();
        await harness.Engine.WhenSettledAsync().WithTimeout("the rebuilds to settle");

        Assert.Equal("final", client.Current.Password);
        Assert.Equal(1, Volatile.Read(ref mostInFactory));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
