using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Configuration;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Kubernetes.Tests;

/// <summary>
/// The leak canary for the Kubernetes source (as tests/SecretRotation.Tests/SecretValuesNeverLeakTests.cs is for the others):
/// rotations, a metadata-only update, a deletion, an oversize Secret, two keys for one configuration key, a 403, a 503 and a
/// 410, all logged at Trace; no value appears in any log, exception, metric tag, status or ToString().
/// </summary>
public sealed class KubernetesSecretValuesNeverLeakTests
{
    private static readonly string[] Canaries =
    [
        "leak-k8s-password-1", "leak-k8s-password-2", "leak-k8s-user", "leak-k8s-oversize", "leak-k8s-collide-1",
        "leak-k8s-collide-2", "leak-k8s-forbidden",
    ];

    [Fact]
    public async Task NoSecretValueAppearsInAnyLogExceptionMetricStatusOrToString()
    {
        var observed = new StringBuilder();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith("SecretRotation", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(observed, instrument, tags));
        meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(observed, instrument, tags));
        meters.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(observed, instrument, tags));
        meters.Start();

        await using var harness = await KubernetesHarness.StartAsync();
        const string Ns = KubernetesHarness.Namespace;
        harness.Emulator.SetSecret(Ns, "db", new Dictionary<string, string> { ["User"] = "leak-k8s-user", ["Password"] = "leak-k8s-password-1" });
        harness.Emulator.SetSecret(Ns, "forbidden", new Dictionary<string, string> { ["Password"] = "leak-k8s-forbidden" });
        var exceptions = new List<Exception>();
        using var configuration = harness.Build(["db", "extra"], s =>
        {
            s.MaxSecretSize = 64;
            s.Optional = true;
        });
        var refresher = configuration.GetSecretRefreshers().Single();
        using var reloads = new ReloadProbe(configuration);
        await harness.Emulator.WaitForWatchesAsync(2).WithTimeout("the watches");

        harness.Emulator.SetSecret(Ns, "db", new Dictionary<string, string> { ["User"] = "leak-k8s-user", ["Password"] = "leak-k8s-password-2" });
        await reloads.WaitAsync(() => configuration["Password"] == "leak-k8s-password-2", "the rotation");
        harness.Emulator.SetSecret(Ns, "db", new Dictionary<string, string> { ["User"] = "leak-k8s-user", ["Password"] = "leak-k8s-password-2" }, new Dictionary<string, string> { ["l"] = "1" });

        harness.Emulator.SetSecret(Ns, "extra", new Dictionary<string, string> { ["Big"] = "leak-k8s-oversize" + new string('x', 100) });
        exceptions.Add(await Assert.ThrowsAsync<SecretSourceException>(() => refresher.RefreshAsync()));
        harness.Emulator.SetSecret(Ns, "extra", new Dictionary<string, string> { ["password"] = "leak-k8s-collide-1", ["Password"] = "leak-k8s-collide-2" });
        exceptions.Add(await Assert.ThrowsAsync<SecretSourceException>(() => refresher.RefreshAsync()));
        harness.Emulator.DeleteSecret(Ns, "extra");
        harness.Emulator.InjectFault(new KubernetesFault { StatusCode = 503, Count = 1 });
        exceptions.Add(await Assert.ThrowsAsync<SecretSourceException>(() => refresher.RefreshAsync()));
        harness.Emulator.Compact();
        harness.Emulator.BreakWatches(KubernetesWatchBreak.Drop);
        harness.Emulator.DeleteSecret(Ns, "db");
        await reloads.WaitAsync(() => configuration["Password"] is null, "the deletion");

        var forbidden = Assert.Throws<SecretSourceException>(() => harness.Build(["forbidden"], token: harness.ScopedToken("db")));
        exceptions.Add(forbidden);

        var everything = string.Join('\n',
            harness.Logs.AllText(),
            string.Join('\n', exceptions.Select(e => e.ToString())),
            refresher.Status.ToString(),
            refresher.ToString(),
            string.Join(' ', configuration.Providers.Select(p => p.ToString())),
            observed.ToString());
        Assert.Contains("403", forbidden.Message, StringComparison.Ordinal);
        foreach (var canary in Canaries)
        {
            Assert.DoesNotContain(canary, everything, StringComparison.Ordinal);
        }
    }

    private static void Record(StringBuilder observed, Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (observed)
        {
            observed.Append(instrument.Name);
            foreach (var tag in tags)
            {
                observed.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
            }

            observed.Append('\n');
        }
    }
}
