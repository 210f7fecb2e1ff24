using System.Threading.Channels;

using SecretRotation.TestSupport;

namespace SecretRotation.Tests.Support;

/// <summary>
/// A hand-written fake store: returns whatever <see cref="Next"/> says, records every read, and lets tests fire the
/// watcher, fail reads, or hold a read until released.
/// </summary>
public sealed class ScriptedSecretSource : ISecretSource
{
    private readonly Channel<RecordedRead> _reads = Channel.CreateUnbounded<RecordedRead>();
    private readonly List<RecordedRead> _history = [];
    private Action? _changed;
    private int _readsInFlight;
    private int _mostReadsInFlight;
    private int _cancelledReads;

    public string Name { get; init; } = "scripted:test";

    /// <summary>What the next reads return (or throw).</summary>
    public Func<SecretReadRequest, SecretSet> Next { get; set; } = request => request.Previous;

    /// <summary>When set, reads wait for it before returning.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>
    /// When set, reads block their thread on it and ignore cancellation, as a read of a FIFO does (bounded by
    /// <see cref="Signal.Timeout"/>, so a broken test cannot hang the run).
    /// </summary>
    public ManualResetEventSlim? BlockingGate { get; set; }

    /// <summary>The most reads that ever ran at the same time.</summary>
    public int MostReadsInFlight => Volatile.Read(ref _mostReadsInFlight);

    /// <summary>Reads that ended because their cancellation token was cancelled.</summary>
    public int CancelledReads => Volatile.Read(ref _cancelledReads);

    public Func<SecretChangeNotice, bool> OwnsNotice { get; set; } = notice => notice.Store == "test";

    /// <summary>The clock used to stamp reads.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    public bool IsWatching => _changed is not null;

    public bool IsDisposed { get; private set; }

    public int ReadCount
    {
        get
        {
            lock (_history)
            {
                return _history.Count;
            }
        }
    }

    public IReadOnlyList<RecordedRead> History
    {
        get
        {
            lock (_history)
            {
                return _history.ToArray();
            }
        }
    }

    public static SecretSet Set(params (string Key, string Value)[] entries) =>
        new(entries.Select(entry => new KeyValuePair<string, SecretEntry>(entry.Key, new SecretEntry(entry.Value))));

    public void ReturnAlways(SecretSet set) => Next = _ => set;

    public void FailAlways(string message = "store unavailable (503)") => Next = _ => throw new InvalidOperationException(message);

    public void FireWatcher() => _changed?.Invoke();

    /// <summary>Waits for the next read the engine makes.</summary>
    public async Task<RecordedRead> NextReadAsync() => await _reads.Reader.ReadAsync().AsTask().WithTimeout("a read of the source");

    public bool TryTakeRead(out RecordedRead? read) => _reads.Reader.TryRead(out read);

    public async Task<SecretSet> ReadAsync(SecretReadRequest request, CancellationToken cancellationToken)
    {
        var read = new RecordedRead(request, Clock.GetUtcNow());
        lock (_history)
        {
            _history.Add(read);
        }

        var inFlight = Interlocked.Increment(ref _readsInFlight);
        lock (_history)
        {
            _mostReadsInFlight = Math.Max(_mostReadsInFlight, inFlight);
        }

        try
        {
            _reads.Writer.TryWrite(read);
            BlockingGate?.Wait(Signal.Timeout, CancellationToken.None);
            if (Gate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            return Next(request);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _cancelledReads);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _readsInFlight);
        }
    }

    public IDisposable? Watch(Action changed)
    {
        _changed = changed;
        return new Unwatch(this);
    }

    public bool IsOwnNotice(SecretChangeNotice notice) => OwnsNotice(notice);

    public void Dispose() => IsDisposed = true;

    private sealed class Unwatch(ScriptedSecretSource owner) : IDisposable
    {
        public void Dispose() => owner._changed = null;
    }
}
