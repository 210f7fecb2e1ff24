using Microsoft.Extensions.Logging;

namespace SecretRotation.AzureKeyVault.Internal;

/// <summary>
/// Secrets being fetched, at most the reader's concurrency at once. Unless the vault has already been asked something in
/// this read, the first fetch goes out alone until it is answered, so the SDK learns the vault's auth challenge once
/// instead of once per parallel request.
/// </summary>
internal sealed class FetchBatch : IDisposable
{
    private readonly KeyVaultSecretReader _reader;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _cancellation;
    private readonly List<(string Name, Task<LoadedSecret?> Fetch)> _fetches = [];
    private readonly TaskCompletionSource _firstAnswered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FetchBatch(KeyVaultSecretReader reader, ILogger logger, bool vaultAlreadyAsked, CancellationToken cancellationToken)
    {
        if (vaultAlreadyAsked)
        {
            _firstAnswered.TrySetResult();
        }

        _reader = reader;
        _logger = logger;
        _slots = new SemaphoreSlim(reader.MaxConcurrency);
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    public void Start(string name)
    {
        if (_fetches.Exists(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        var first = _fetches.Count == 0;
        _fetches.Add((name, FetchAsync(name, first)));
    }

    /// <summary>Waits for every fetch; the first failure is thrown after all have ended.</summary>
    public async Task<IReadOnlyList<KeyValuePair<string, LoadedSecret?>>> CompleteAsync()
    {
        try
        {
            await Task.WhenAll(_fetches.Select(f => f.Fetch));
        }
        catch (OperationCanceledException)
        {
            // The fetches cancelled after a failure hide it: report the failure, not the cancellations.
            var failure = _fetches.Select(f => f.Fetch.Exception?.InnerException).FirstOrDefault(e => e is not null and not OperationCanceledException);
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }

            throw;
        }

        return _fetches.Select(f => new KeyValuePair<string, LoadedSecret?>(f.Name, f.Fetch.Result)).ToArray();
    }

    /// <summary>Cancels what is in flight and waits for it, after the list failed.</summary>
    public async Task AbandonAsync()
    {
        await _cancellation.CancelAsync();
        try
        {
            await Task.WhenAll(_fetches.Select(f => f.Fetch));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The list's failure is the one reported.
        }
    }

    public void Dispose()
    {
        _slots.Dispose();
        _cancellation.Dispose();
    }

    private async Task<LoadedSecret?> FetchAsync(string name, bool first)
    {
        if (!first)
        {
            await _firstAnswered.Task.WaitAsync(_cancellation.Token);
        }

        await _slots.WaitAsync(_cancellation.Token);
        try
        {
            return await _reader.FetchOneAsync(name, _logger, _cancellation.Token);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // One refused or throttled GET fails the read: stop asking for the rest (Key Vault throttles per vault).
            await _cancellation.CancelAsync();
            throw;
        }
        finally
        {
            _slots.Release();
            if (first)
            {
                _firstAnswered.TrySetResult();
            }
        }
    }
}
