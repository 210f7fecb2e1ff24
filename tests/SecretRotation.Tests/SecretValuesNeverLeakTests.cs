using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
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
