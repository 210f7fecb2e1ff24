using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using Microsoft.Extensions.Configuration;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests;

/// <summary>
/// Drives every path that logs, throws, measures or traces — rotations, failures, malformed files, oversize files, escaping
/// links, unmounts — and asserts that no secret value appears in any of it.
/// </summary>
public sealed class SecretValuesNeverLeakTests : IDisposable
{
    private static readonly string[] Secrets =
    [
        "leak-canary-password-1", "leak-canary-password-2", "leak-canary-user", "leak-canary-oversize",
        "leak-canary-outside", "leak-canary-json", "leak-canary-kv",
    ];

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task NoSecretValueAppearsInAnyLogExceptionMetricTraceOrToString()
    {
        var logs = new CapturingLoggerProvider();
        var observed = new StringBuilder();
        using var meterListener = ListenToMetrics(observed);
        using var activityListener = ListenToTraces(observed);

        var volume = _directory.Combine("volume");
        var writer = new KubernetesVolumeWriter(volume);
        writer.Write(new Dictionary<string, string> { ["User"] = "leak-canary-user", ["Password"] = "leak-canary-password-1" });
        var outside = _directory.Combine("outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "x"), "leak-canary-outside");
        var plain = _directory.Combine("plain");
        Directory.CreateDirectory(plain);
        File.WriteAllText(Path.Combine(plain, "Big"), "leak-canary-oversize" + new string('x', 100));
        File.CreateSymbolicLink(Path.Combine(plain, "Escape"), Path.Combine(outside, "x"));
        var json = _directory.Combine("app.json");
        File.WriteAllText(json, """{"Password":"leak-canary-json"}""");
        var kv = _directory.Combine("app.env");
        File.WriteAllText(kv, "PASSWORD=leak-canary-kv\n");

        var exceptions = new List<Exception>();
        using var configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .AddMountedSecrets(volume, s =>
            {
                s.LoggerFactory = logs.CreateFactory();
                s.KeyPrefix = "Db";
            })
            .AddMountedSecrets(plain, s =>
            {
                s.LoggerFactory = logs.CreateFactory();
                s.MaxFileSize = 64;
            })
            .AddMountedSecretsFile(json, s => s.LoggerFactory = logs.CreateFactory())
            .AddMountedSecretsFile(kv, s => s.LoggerFactory = logs.CreateFactory())
            .Build();
        var refreshers = configuration.GetSecretRefreshers();

        writer.Write(new Dictionary<string, string> { ["User"] = "leak-canary-user", ["Password"] = "leak-canary-password-2" });
        File.WriteAllText(json, "{\"Password\": leak-canary-json");
        File.WriteAllText(kv, "leak-canary-kv\n");
        var refreshFailures = new List<string>();
        foreach (var refresher in refreshers)
        {
            try
            {
                await refresher.RefreshAsync();
            }
            catch (SecretSourceException exception)
            {
                exceptions.Add(exception);
                refreshFailures.Add(refresher.SourceName);
            }
        }

        // The malformed JSON and KEY=VALUE files fail their refreshes; the volumes do not.
        Assert.Equal(new[] { $"file:{json}", $"file:{kv}" }.Order(StringComparer.Ordinal), refreshFailures.Order(StringComparer.Ordinal));

        Directory.Delete(volume, recursive: true);
        exceptions.Add(await Assert.ThrowsAsync<SecretSourceException>(() => refreshers[0].RefreshAsync()));
        exceptions.Add(Assert.Throws<SecretSourceException>(() => new ConfigurationBuilder().AddMountedSecretsFile(kv).Build()));

        Assert.Equal("leak-canary-password-2", configuration["Db:Password"]);
        Assert.Equal(4, exceptions.Count);
        Assert.NotEmpty(logs.Entries);
        var everything = string.Join('\n',
            logs.AllText(),
            string.Join('\n', exceptions.Select(e => e.ToString())),
            string.Join('\n', refreshers.Select(r => $"{r} {r.Status}")),
            string.Join('\n', configuration.Providers.Select(p => p.ToString())),
            new SecretEntry("leak-canary-user", "v1").ToString(),
            new SecretSet([new("k", new SecretEntry("leak-canary-user"))]).ToString(),
            Snapshot(observed));
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The Kubernetes API source (<c>AddKubernetesSecrets</c>) over the emulator, logged at Trace: a rotation, a metadata-only
    /// update, an oversize Secret, two keys for one configuration key, a 503, a 410 after a dropped watch, a deletion and a 403.
    /// </summary>
    [Fact]
    public async Task TheKubernetesSourceLeaksNoValueInAnyLogExceptionMetricTraceOrToString()
    {
        string[] canaries =
        [
            "leak-k8s-password-1", "leak-k8s-password-2", "leak-k8s-user", "leak-k8s-oversize", "leak-k8s-collide-1",
            "leak-k8s-collide-2", "leak-k8s-forbidden",
        ];
        var logs = new CapturingLoggerProvider();
        var observed = new StringBuilder();
        using var meterListener = ListenToMetrics(observed);
        using var activityListener = ListenToTraces(observed);
        await using var emulator = await KubernetesEmulator.StartAsync();
        const string Ns = "app";
        KubernetesClientConfiguration ClientFor(params string[] names) => new()
        {
            Host = emulator.Address.GetLeftPart(UriPartial.Authority),
            AccessToken = emulator.CreateServiceAccountToken(Ns, "reader", new KubernetesRbacRule
            {
                Verbs = ["get", "list", "watch"], Resources = ["secrets"], ResourceNames = names, Namespace = Ns,
            }),
            SslCaCerts = [X509CertificateLoader.LoadCertificate(emulator.Certificate.RawData)],
        };
        emulator.SetSecret(Ns, "db", new Dictionary<string, string> { ["User"] = "leak-k8s-user", ["Password"] = "leak-k8s-password-1" });
        emulator.SetSecret(Ns, "forbidden", new Dictionary<string, string> { ["Password"] = "leak-k8s-forbidden" });
        var exceptions = new List<Exception>();
        using var configuration = (ConfigurationRoot)new ConfigurationBuilder().AddKubernetesSecrets(s =>
        {
            s.ClientConfiguration = ClientFor("db", "extra");
            s.Namespace = Ns;
            s.SecretNames.Add("db");
            s.SecretNames.Add("extra");
            s.MaxSecretSize = 64;
            s.Optional = true;
            s.PollInterval = null;
            s.MinimumWatchBackoff = TimeSpan.FromMilliseconds(50);
            s.LoggerFactory = logs.CreateFactory();
        }).Build();
        var refresher = configuration.GetSecretRefreshers().Single();
        using var reloads = new ReloadProbe(configuration);
        await emulator.WaitForWatchesAsync(2).WithTimeout("the watches");

        emulator.SetSecret(Ns, "db", new Dictionary<string, string> { ["User"] = "leak-k8s-user", ["Password"] = "leak-k8s-password-2" });
        await reloads.WaitAsync(() => configuration["Password"] == "leak-k8s-password-2", "the rotation");
        emulator.SetSecret(Ns, "db", new Dictionary<string, string> { ["User"] = "leak-k8s-user", ["Password"] = "leak-k8s-password-2" }, new Dictionary<string, string> { ["l"] = "1" });
        emulator.SetSecret(Ns, "extra", new Dictionary<string, string> { ["Big"] = "leak-k8s-oversize" + new string('x', 100) });
        exceptions.Add(await Assert.ThrowsAsync<SecretSourceException>(() => refresher.RefreshAsync()));
        emulator.SetSecret(Ns, "extra", new Dictionary<string, string> { ["password"] = "leak-k8s-collide-1", ["Password"] = "leak-k8s-collide-2" });
        exceptions.Add(await Assert.ThrowsAsync<SecretSourceException>(() => refresher.RefreshAsync()));
        emulator.DeleteSecret(Ns, "extra");
        emulator.InjectFault(new KubernetesFault { StatusCode = 503, Count = 1 });
        exceptions.Add(await Assert.ThrowsAsync<SecretSourceException>(() => refresher.RefreshAsync()));
        emulator.Compact();
        emulator.BreakWatches(KubernetesWatchBreak.Drop);
        emulator.DeleteSecret(Ns, "db");
        await reloads.WaitAsync(() => configuration["Password"] is null, "the deletion");
        var forbidden = Assert.Throws<SecretSourceException>(() => new ConfigurationBuilder().AddKubernetesSecrets(s =>
        {
            s.ClientConfiguration = ClientFor("db");
            s.Namespace = Ns;
            s.SecretNames.Add("forbidden");
            s.LoggerFactory = logs.CreateFactory();
        }).Build());
        exceptions.Add(forbidden);

        Assert.Contains("403", forbidden.Message, StringComparison.Ordinal);
        var everything = string.Join('\n',
            logs.AllText(),
            string.Join('\n', exceptions.Select(e => e.ToString())),
            $"{refresher} {refresher.Status}",
            string.Join('\n', configuration.Providers.Select(p => p.ToString())),
            Snapshot(observed));
        foreach (var canary in canaries)
        {
            Assert.DoesNotContain(canary, everything, StringComparison.Ordinal);
        }
    }

    /// <summary>What the listeners recorded so far; under their lock, since tests running beside this one keep measuring.</summary>
    internal static string Snapshot(StringBuilder observed)
    {
        lock (observed)
        {
            return observed.ToString();
        }
    }

    internal static MeterListener ListenToMetrics(StringBuilder observed)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SecretRotationDiagnostics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (observed)
            {
                observed.Append(instrument.Name).Append(' ').Append(value);
                foreach (var tag in tags)
                {
                    observed.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
                }

                observed.AppendLine();
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        return listener;
    }

    internal static ActivityListener ListenToTraces(StringBuilder observed)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SecretRotationDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (observed)
                {
                    observed.Append(activity.DisplayName).Append(' ').Append(activity.StatusDescription);
                    foreach (var tag in activity.TagObjects)
                    {
                        observed.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
                    }

                    observed.AppendLine();
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
