using System.Diagnostics;
using Npgsql;

namespace SecretRotation.ZeroDowntime.Tests.Postgres;

/// <summary>
/// Constant load on a rotating <see cref="NpgsqlDataSource"/>: <c>workers</c> loops, each leasing the current data source,
/// opening a pooled connection and running one query that reports who and where it ran, until stopped (bounded by a count
/// and the caller's token). Every query is recorded; every failure too.
/// </summary>
public sealed class QueryLoad : IAsyncDisposable
{
    /// <summary>Who ran the query, on which session, when (server clock).</summary>
    public const string Query =
        "select current_user::text, pg_backend_pid(), (select backend_start from pg_stat_activity where pid = pg_backend_pid()), clock_timestamp()";

    private const int MaxQueriesPerWorker = 5_000_000;

    private readonly Func<IRotatingClient<NpgsqlDataSource>> _client;
    private readonly List<QueryRecord>[] _records;
    private readonly List<QueryFailure> _failures = [];
    private readonly long[] _workerGeneration;
    private readonly List<(long Generation, TaskCompletionSource Reached)> _waiters = [];
    private readonly CancellationTokenSource _stop;
    private readonly Task[] _workers;

    /// <param name="client">The app's rotating data source, asked before every query (a restart replaces the app, and with it this).</param>
    /// <param name="workers">How many loops.</param>
    /// <param name="cancellationToken">Stops the loops.</param>
    public QueryLoad(Func<IRotatingClient<NpgsqlDataSource>> client, int workers, CancellationToken cancellationToken)
    {
        _client = client;
        _records = [.. Enumerable.Range(0, workers).Select(_ => new List<QueryRecord>(4096))];
        _workerGeneration = new long[workers];
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _workers = [.. Enumerable.Range(0, workers).Select(worker => Task.Run(() => RunAsync(worker)))];
    }

    /// <summary>Failures so far.</summary>
    public IReadOnlyList<QueryFailure> Failures
    {
        get
        {
            lock (_failures)
            {
                return [.. _failures];
            }
        }
    }

    /// <summary>Completes once every worker has finished a query on generation <paramref name="generation"/> or later.</summary>
    public Task WaitForAllWorkersOnAsync(long generation)
    {
        lock (_waiters)
        {
            if (_workerGeneration.Min() >= generation)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((generation, reached));
            return reached.Task;
        }
    }

    /// <summary>Stops the workers and returns every query they ran, in no particular order.</summary>
    public async Task<IReadOnlyList<QueryRecord>> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        return [.. _records.SelectMany(records => records)];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _stop.Dispose();
    }

    private async Task RunAsync(int worker)
    {
        var token = _stop.Token;
        var records = _records[worker];
        for (var i = 0; i < MaxQueriesPerWorker && !token.IsCancellationRequested; i++)
        {
            var started = Stopwatch.GetTimestamp();
            long generation = 0;
            try
            {
                using var lease = _client().Lease();
                generation = lease.Generation;
                await using var connection = await lease.Client.OpenConnectionAsync(token);
                await using var command = new NpgsqlCommand(Query, connection);
                await using var reader = await command.ExecuteReaderAsync(token);
                await reader.ReadAsync(token);
                var record = new QueryRecord(
                    worker, generation, reader.GetString(0), reader.GetInt32(1), reader.GetDateTime(2), reader.GetDateTime(3),
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                records.Add(record);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                lock (_failures)
                {
                    _failures.Add(new QueryFailure(
                        worker, generation, DateTime.UtcNow, exception.GetType().Name, (exception as PostgresException)?.SqlState, exception.Message));
                }

                // A failed query is tried again shortly, as a client would (no failure is expected outside a restart).
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(10), token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            Progress(worker, generation);
        }
    }

    private void Progress(int worker, long generation)
    {
        lock (_waiters)
        {
            _workerGeneration[worker] = generation;
            if (_waiters.Count == 0)
            {
                return;
            }

            var lowest = _workerGeneration.Min();
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (lowest >= _waiters[i].Generation)
                {
                    _waiters[i].Reached.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
