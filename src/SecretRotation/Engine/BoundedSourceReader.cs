using SecretRotation.Diagnostics;

namespace SecretRotation.Engine;

/// <summary>
/// Reads one <see cref="ISecretSource"/> bounded by the read timeout, keeps the abandoned-read rule (a read that timed
/// out but still runs holds off the next one) and disposes the source only when no read runs.
/// </summary>
/// <remarks>
/// No lock: one read at a time by design (the provider's first read, then its loop), and the abandoned read is a
/// volatile field, so the disposal (from any thread) sees it.
/// </remarks>
internal sealed class BoundedSourceReader
{
    private readonly ISecretSource _source;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly CancellationToken _stopping;

    // A read that timed out but has not finished (its source ignored the cancellation); no read starts until it ends.
    private volatile Task? _abandonedRead;

    public BoundedSourceReader(ISecretSource source, TimeSpan timeout, TimeProvider time, CancellationToken stopping)
    {
        _source = source;
        _timeout = timeout;
        _time = time;
        _stopping = stopping;
    }

    /// <summary>
    /// Reads the source, bounded by the read timeout. The read runs on the thread pool, so a source that blocks its thread
    /// (a FIFO opened for reading) cannot hold the loop; a source that ignores its cancelled token is left running, and the
    /// next read waits for it first (within its own timeout), so two reads of one store never run side by side.
    /// </summary>
    /// <exception cref="SecretSourceException">The read failed or timed out (the message names the source and the timeout).</exception>
    /// <exception cref="OperationCanceledException">The provider is being disposed.</exception>
    public async Task<SecretSet> ReadAsync(SecretReadRequest request)
    {
        var timeout = _timeout;
        using var timedOut = timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(timeout, _time);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping, timedOut.Token);
        var waitedForEarlierRead = false;
        try
        {
            if (_abandonedRead is { IsCompleted: false } abandoned)
            {
                waitedForEarlierRead = true;
                Log.WaitingForAbandonedRead(request.Logger, _source.Name, timeout);
                await abandoned.WaitAsync(cancel.Token);
            }

            waitedForEarlierRead = false;
            _abandonedRead = null;
            var read = Task.Run(() => _source.ReadAsync(request, cancel.Token), CancellationToken.None);
            try
            {
                return await read.WaitAsync(cancel.Token) ?? throw new InvalidOperationException($"{_source.Name} returned no secret set.");
            }
            catch (OperationCanceledException) when (!read.IsCompleted)
            {
                // Its outcome no longer matters, but is observed, so it cannot surface as an unobserved task exception.
                _abandonedRead = read.ContinueWith(static finished => _ = finished.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                throw;
            }
        }
        catch (Exception exception) when (timedOut.IsCancellationRequested && !_stopping.IsCancellationRequested)
        {
            var message = waitedForEarlierRead
                ? $"an earlier read that timed out is still running (the source ignores cancellation), so no new read started within ReadTimeout ({timeout})"
                : $"the read did not finish within ReadTimeout ({timeout})";
            throw new SecretSourceException(_source.Name, message, new TimeoutException(message, exception));
        }
    }

    /// <summary>Disposes the source now, or when a read that timed out and is still running ends, so no read sees it disposed.</summary>
    public void DisposeSourceWhenNoReadRuns()
    {
        if (_abandonedRead is { IsCompleted: false } running)
        {
            running.ContinueWith(_ => _source.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return;
        }

        _source.Dispose();
    }

    /// <summary>The failure as a <see cref="SecretSourceException"/> that names the source.</summary>
    public SecretSourceException Wrap(Exception exception) =>
        exception as SecretSourceException ?? new SecretSourceException(_source.Name, exception.Message, exception);
}
