using Microsoft.Extensions.Logging;

namespace SecretRotation.Cli.Watch;

/// <summary>Makes <see cref="StandardErrorLogger"/>s for the sources <c>watch</c> builds.</summary>
internal sealed class StandardErrorLoggerProvider(TextWriter error, LogLevel minimumLevel) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new StandardErrorLogger(error, minimumLevel);

    public void Dispose()
    {
    }
}
