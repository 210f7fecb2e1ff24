using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.Tests.Support;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.ZeroDowntime;

/// <summary>
/// The canary of <see cref="SecretValuesNeverLeakTests"/> for issue 11's APIs: previous values, and rotating clients whose
/// factory or disposal throws an exception that quotes the secret (as a connection-string parser may). Nothing of it may
/// reach a log line, a metric, a trace, a health status or a ToString.
/// </summary>
public sealed class ZeroDowntimeValuesNeverLeakTests
{
    private static readonly string[] Secrets =
    [
        "leak-canary-previous-1", "leak-canary-previous-2", "leak-canary-client-1", "leak-canary-client-2",
        "leak-canary-client-3", "leak-canary-dispose",
    ];

    [Fact]
    public async Task NoPreviousValueOrRotatingClientFailureLeaks()
    {
        var observed = new StringBuilder();
        using var meterListener = SecretValuesNeverLeakTests.ListenToMetrics(observed);
        using var activityListener = SecretValuesNeverLeakTests.ListenToTraces(observed);
        var texts = new List<string>();

        // Previous values: a rotation with the window on, read through the history, then expired.
        var source = new ScriptedSecretSource();
        source.ReturnAlways(ScriptedSecretSource.Set(("Webhook:HmacKey", "leak-canary-previous-1")));
        using (var engine = new EngineHarness(source, s => s.PreviousValueWindow = TimeSpan.FromMinutes(5)))
        {
            using var services = new ServiceCollection().AddSingleton<IConfiguration>(engine.Configuration).AddSecretRotation().BuildServiceProvider();
            var history = services.GetRequiredService<ISecretHistory>();
            source.ReturnAlways(ScriptedSecretSource.Set(("Webhook:HmacKey", "leak-canary-previous-2")));
            await engine.Refresher.RefreshAsync();
            Assert.True(history.TryGetPrevious("Webhook:HmacKey", out var previous, out _));
            Assert.Equal("leak-canary-previous-1", previous);
            texts.Add(engine.Logs.AllText());
            texts.Add(history.ToString()!);
            texts.Add(engine.Provider.ToString());
            texts.Add(engine.Provider.PreviousValues.ToString());
            texts.Add(engine.Refresher.Status.ToString());
            texts.Add(string.Join('\n', engine.Configuration.AsEnumerable().Where(pair => pair.Value != "leak-canary-previous-2")));
            await engine.AdvanceAsync(TimeSpan.FromMinutes(5));
            Assert.False(history.TryGetPrevious("Webhook:HmacKey", out _, out _));
            texts.Add(engine.Logs.AllText());
        }

        // A rotating client whose factory throws with the new secret in the message, retried on the backoff.
        await using (var harness = new RotatingClientHarness(options => options.DrainTimeout = TimeSpan.FromSeconds(5)))
        {
            harness.Configuration["Db:Password"] = "leak-canary-client-1";
            var client = harness.Client;
            var lease = client.Lease();
            harness.Fail = section => section["Password"] == "leak-canary-client-2";
            await harness.SetAsync("Db:Password", "leak-canary-client-2");
            harness.FakeTime.Advance(TimeSpan.FromSeconds(1));
            await harness.Engine.WhenSettledAsync().WithTimeout("the retry");
            Assert.Equal(2, harness.Engine.Status.ConsecutiveFailures);
            texts.Add(string.Join('\n', harness.Services.GetRequiredService<IRotatingClientHealth>().GetStatuses()));

            // Then a good value: rebuilt, and the old instance, still leased, is disposed at the drain timeout.
            await harness.SetAsync("Db:Password", "leak-canary-client-3");
            harness.FakeTime.Advance(TimeSpan.FromSeconds(5));
            await lease.Client.Disposed.WithTimeout("the forced disposal");
            await harness.Logs.WaitForEventAsync(42, "the drain timeout warning");
            lease.Dispose();
            texts.Add(harness.Logs.AllText());
            texts.Add(client.ToString()!);
            texts.Add(lease.ToString() ?? "");
            texts.Add(harness.Engine.Status.ToString());
            texts.Add(string.Join('\n', harness.Services.GetRequiredService<IRotatingClientHealth>().GetStatuses()));
            Assert.Contains(harness.Logs.Entries, entry => entry.EventId.Id == 41 && entry.Message.Contains("System.InvalidOperationException", StringComparison.Ordinal));
        }

        // A client whose disposal throws with the secret in the message.
        var logs = new CapturingLoggerProvider();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Cache:Password"] = "x" }).Build();
        await using (var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<ILoggerFactory>(logs.CreateFactory())
            .AddRotatingClient("Cache", (_, _) => new ThrowingDisposeClient())
            .BuildServiceProvider())
        {
            _ = services.GetRequiredService<IRotatingClient<ThrowingDisposeClient>>().Current;
        }

        Assert.Contains(logs.Entries, entry => entry.EventId.Id == 43 && entry.Message.Contains("InvalidOperationException", StringComparison.Ordinal));
        texts.Add(logs.AllText());

        var everything = string.Join('\n', string.Join('\n', texts), SecretValuesNeverLeakTests.Snapshot(observed));
        Assert.Contains("secretrotation.client.rebuild.failures", everything, StringComparison.Ordinal);
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    public sealed class ThrowingDisposeClient : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => throw new InvalidOperationException("could not close the connection authenticated with leak-canary-dispose");
    }
}
