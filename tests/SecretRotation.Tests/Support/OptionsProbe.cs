using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.Support;

/// <summary>Binds <see cref="DbOptions"/> to a configuration section through IOptionsMonitor and records every OnChange.</summary>
public sealed class OptionsProbe : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly IDisposable? _subscription;
    private readonly Channel<DbOptions> _changes = Channel.CreateUnbounded<DbOptions>();

    public OptionsProbe(IConfiguration configuration, string section = "")
    {
        var services = new ServiceCollection();
        services.Configure<DbOptions>(section.Length == 0 ? configuration : configuration.GetSection(section));
        _services = services.BuildServiceProvider();
        Monitor = _services.GetRequiredService<IOptionsMonitor<DbOptions>>();
        _subscription = Monitor.OnChange(options => _changes.Writer.TryWrite(new DbOptions { User = options.User, Password = options.Password }));
    }

    public IOptionsMonitor<DbOptions> Monitor { get; }

    /// <summary>Waits for an OnChange whose options satisfy <paramref name="condition"/>; returns every change seen until then.</summary>
    public async Task<IReadOnlyList<DbOptions>> WaitForAsync(Func<DbOptions, bool> condition, string what)
    {
        var seen = new List<DbOptions>();
        using var timeout = new CancellationTokenSource(Signal.Timeout);
        try
        {
            await foreach (var options in _changes.Reader.ReadAllAsync(timeout.Token))
            {
                seen.Add(options);
                if (condition(options))
                {
                    return seen;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new TimeoutException($"Timed out after {Signal.Timeout.TotalSeconds} s waiting for OnChange with {what}; saw {seen.Count} other change(s).");
    }

    public int PendingChanges => _changes.Reader.Count;

    public void Dispose()
    {
        _subscription?.Dispose();
        _services.Dispose();
    }
}
