using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SecretRotation.Tests.Support;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.DependencyInjection;

public sealed class AddSecretRotationTests
{
    [Fact]
    public async Task ProvidersBuiltBeforeTheHostLogThroughTheHostsLoggerFactoryOnceItStarts()
    {
        var source = new ScriptedSecretSource { Name = "scripted:di" };
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "1")));
        var configuration = new ConfigurationBuilder().Add(new ScriptedConfigurationSource(source)).Build();
        var hostLogs = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(hostLogs.CreateFactory())
            .AddSecretRotation()
            .AddSecretRotation();
        await using var provider = services.BuildServiceProvider();

        var hosted = provider.GetServices<IHostedService>().ToArray();
        Assert.Single(hosted);
        await hosted[0].StartAsync(CancellationToken.None);
        source.ReturnAlways(ScriptedSecretSource.Set(("a", "2")));
        await configuration.GetSecretRefreshers().Single().RefreshAsync();

        var entry = Assert.Single(hostLogs.Entries, e => e.EventId.Id == 1);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Contains("scripted:di", entry.Message, StringComparison.Ordinal);
        Assert.Contains("(a)", entry.Message, StringComparison.Ordinal);
        (configuration as IDisposable)?.Dispose();
    }
}
