using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.Engine;
using SecretRotation.TestSupport;

namespace SecretRotation.HashiCorpVault.Tests.Hardening;

/// <summary>A Vault source pointed at a scripted loopback server, on a fake clock.</summary>
internal sealed class ScriptedSource : IDisposable
{
    public const string LookupSelf = "/v1/auth/token/lookup-self";

    private ScriptedSource(ConfigurationRoot configuration, FakeTimeProvider time)
    {
        Configuration = configuration;
        Time = time;
        Provider = configuration.Providers.OfType<SecretConfigurationProvider>().Single();
    }

    public ConfigurationRoot Configuration { get; }

    public FakeTimeProvider Time { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    internal SecretConfigurationProvider Provider { get; }

    /// <summary>Builds the configuration (the first load runs here and throws when a required source cannot be read).</summary>
    public static ScriptedSource Build(Uri address, Action<HashiCorpVaultSource> configure)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var logs = new CapturingLoggerProvider();
        var configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .AddHashiCorpVault(o =>
            {
                o.Address = address;
                o.TimeProvider = time;
                o.LoggerFactory = logs.CreateFactory();
                o.PollInterval = TimeSpan.FromMinutes(5);
                o.PollJitter = 0;
                configure(o);
            })
            .Build();
        return new ScriptedSource(configuration, time);
    }

    /// <summary>Answers a static token's lookup-self: a one-hour token that cannot be renewed.</summary>
    public static Task LookupSelfAsync(HttpContext context) =>
        LoopbackServer.JsonAsync(context, """{"data":{"ttl":3600,"renewable":false,"policies":["default"]}}""");

    /// <summary>Every message of <paramref name="exception"/> and its inner exceptions.</summary>
    public static string Messages(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            messages.Add(current.Message);
        }

        return string.Join(" | ", messages);
    }

    /// <summary>Moves the clock once the loop's timer exists and waits until the loop has handled it.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        await Provider.WhenIdleAsync().WithTimeout("the refresh loop to wait");
        Time.Advance(by);
        await Provider.WhenIdleAsync().WithTimeout("the refresh loop to finish");
    }

    public void Dispose() => Configuration.Dispose();
}
