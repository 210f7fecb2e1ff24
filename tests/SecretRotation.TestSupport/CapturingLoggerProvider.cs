using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SecretRotation.TestSupport;

/// <summary>Captures every log entry at every level: message, state values and exception text.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLogEntry> _entries = new();
    private readonly Lock _waitersGate = new();
    private readonly List<(Func<IReadOnlyList<CapturedLogEntry>, bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public IReadOnlyList<CapturedLogEntry> Entries => _entries.ToArray();

    public ILoggerFactory CreateFactory() =>
        LoggerFactory.Create(builder => builder.AddProvider(this).SetMinimumLevel(LogLevel.Trace));

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Completes when the entries logged so far satisfy <paramref name="condition"/>: checked now and after each new entry, no polling.</summary>
    /// <exception cref="TimeoutException">Not within <see cref="Signal.Timeout"/>.</exception>
    public Task WaitForAsync(Func<IReadOnlyList<CapturedLogEntry>, bool> condition, string what)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitersGate)
        {
            if (condition(Entries))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((condition, done));
        }

        return done.Task.WithTimeout(what);
    }

    /// <summary>Completes once an entry with this event id has been logged <paramref name="count"/> times.</summary>
    public Task WaitForEventAsync(int eventId, string what, int count = 1) =>
        WaitForAsync(entries => entries.Count(entry => entry.EventId.Id == eventId) >= count, what);

    /// <summary>Everything a log sink could write: messages, structured values, exception text.</summary>
    public string AllText() => string.Join('\n', Entries.Select(entry => entry.FullText));

    private void Add(CapturedLogEntry entry)
    {
        _entries.Enqueue(entry);
        lock (_waitersGate)
        {
            if (_waiters.Count == 0)
            {
                return;
            }

            var entries = Entries;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition(entries))
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private sealed class CapturingLogger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(' ', pairs.Select(pair => $"{pair.Key}={pair.Value}"))
                : string.Empty;
            owner.Add(new CapturedLogEntry(category, logLevel, eventId, formatter(state, exception), values, exception?.ToString()));
        }
    }
}
