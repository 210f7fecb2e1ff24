using Microsoft.Extensions.Logging;

namespace SecretRotation.Tests.Support;

/// <summary>A logger provider whose <see cref="Logged"/> completes when an entry with a given event id is logged.</summary>
public sealed class LogEventSignal(int eventId) : ILoggerProvider
{
    private readonly int _eventId = eventId;
    private readonly TaskCompletionSource _logged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Logged => _logged.Task;

    public ILogger CreateLogger(string categoryName) => new SignallingLogger(this);

    public void Dispose()
    {
    }

    private sealed class SignallingLogger(LogEventSignal owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == owner._eventId)
            {
                owner._logged.TrySetResult();
            }
        }
    }
}
