namespace AksSample;

/// <summary>Counts the <see cref="PostgresLoad"/>'s queries. Thread-safe.</summary>
public sealed class PostgresQueryCounter(int workers)
{
    private readonly Lock _gate = new();
    private long _served;
    private long _failed;
    private long _generation;
    private string? _lastFailureType;
    private DateTimeOffset? _lastFailure;

    public long Served => Interlocked.Read(ref _served);

    public long Failed => Interlocked.Read(ref _failed);

    public long Generation => Interlocked.Read(ref _generation);

    public void RecordServed(long generation)
    {
        Interlocked.Increment(ref _served);
        RecordGeneration(generation);
    }

    public void RecordFailed(Exception exception, DateTimeOffset at)
    {
        lock (_gate)
        {
            _lastFailureType = exception.GetType().Name;
            _lastFailure = at;
        }

        Interlocked.Increment(ref _failed);
    }

    public void RecordGeneration(long generation)
    {
        var seen = Interlocked.Read(ref _generation);
        while (generation > seen)
        {
            var previous = Interlocked.CompareExchange(ref _generation, generation, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    public PostgresLoadReport Report()
    {
        lock (_gate)
        {
            return new PostgresLoadReport(workers, Served, Failed, Generation, _lastFailureType, _lastFailure);
        }
    }
}
