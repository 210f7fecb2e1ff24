using Microsoft.Extensions.Options;
using Npgsql;
using SecretRotation;

namespace AksSample;

/// <summary>
/// A small, steady query load on the rotating <see cref="NpgsqlDataSource"/>: <see cref="PostgresOptions.Workers"/> workers,
/// each running <c>SELECT 1</c> every <see cref="PostgresOptions.QueryInterval"/> on a leased data source, counting what was
/// served and what failed in <see cref="PostgresQueryCounter"/>. Logs exception types, never messages or values.
/// </summary>
public sealed partial class PostgresLoad(
    IServiceProvider services,
    PostgresQueryCounter counter,
    IOptions<PostgresOptions> options,
    TimeProvider timeProvider,
    ILogger<PostgresLoad> logger,
    DemoPostgresRole? demoRole = null) : BackgroundService
{
    private static readonly TimeSpan StartRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan FailureLogInterval = TimeSpan.FromSeconds(5);
    private long _lastFailureLog = long.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var workers = Math.Clamp(settings.Workers, 1, 16);
        try
        {
            var client = await ConnectAsync(stoppingToken);
            LogStarted(logger, workers, settings.QueryInterval, client.Generation);
            await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => RunWorkerAsync(client, settings, stoppingToken)));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }

    // The first build opens connections: retried until it works (a database still starting, a demo role not created yet).
    private async Task<IRotatingClient<NpgsqlDataSource>> ConnectAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                var client = demoRole is not null
                    ? await demoRole.EnsureAsync(services.GetRequiredService<IRotatingClient<NpgsqlDataSource>>, stoppingToken)
                    : services.GetRequiredService<IRotatingClient<NpgsqlDataSource>>();
                counter.RecordGeneration(client.Generation);
                return client;
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException or IOException)
            {
                counter.RecordFailed(exception, timeProvider.GetUtcNow());
                LogStartFailed(logger, exception.GetType().Name, StartRetry);
                await Task.Delay(StartRetry, timeProvider, stoppingToken);
            }
        }
    }

    private async Task RunWorkerAsync(IRotatingClient<NpgsqlDataSource> client, PostgresOptions settings, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await QueryOnceAsync(client, settings.QueryTimeout, stoppingToken);
            await Task.Delay(settings.QueryInterval, timeProvider, stoppingToken);
        }
    }

    private async Task QueryOnceAsync(IRotatingClient<NpgsqlDataSource> client, TimeSpan timeout, CancellationToken stoppingToken)
    {
        using var lease = client.Lease();
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await using var connection = await lease.Client.OpenConnectionAsync(timeoutSource.Token);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            _ = await command.ExecuteScalarAsync(timeoutSource.Token);
            counter.RecordServed(lease.Generation);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested
            && exception is NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException or ObjectDisposedException)
        {
            var now = timeProvider.GetUtcNow();
            counter.RecordFailed(exception, now);
            var last = Interlocked.Read(ref _lastFailureLog);
            if (now.UtcTicks - last >= FailureLogInterval.Ticks && Interlocked.CompareExchange(ref _lastFailureLog, now.UtcTicks, last) == last)
            {
                LogQueryFailed(logger, exception.GetType().Name, (exception as PostgresException)?.SqlState ?? "-", lease.Generation, counter.Failed);
            }
        }
    }

    [LoggerMessage(4000, LogLevel.Information, "PostgreSQL load: {Workers} worker(s), one SELECT 1 each every {Interval}, on data source generation {Generation}")]
    private static partial void LogStarted(ILogger logger, int workers, TimeSpan interval, long generation);

    [LoggerMessage(4001, LogLevel.Warning, "PostgreSQL load: could not build the data source ({ExceptionType}); trying again in {Retry}")]
    private static partial void LogStartFailed(ILogger logger, string exceptionType, TimeSpan retry);

    [LoggerMessage(4002, LogLevel.Warning, "PostgreSQL load: a query failed ({ExceptionType}, SQLSTATE {SqlState}) on data source generation {Generation}; {Failed} failed so far (logged at most every 5 s)")]
    private static partial void LogQueryFailed(ILogger logger, string exceptionType, string sqlState, long generation, long failed);
}
