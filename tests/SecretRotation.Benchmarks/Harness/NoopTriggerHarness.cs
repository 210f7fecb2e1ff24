using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using SecretRotation.Benchmarks.Infrastructure;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// Fires triggers that change no value and counts how often the configuration's reload token fires; the target is never.
/// The triggers cycle through an mtime touch, an in-place rewrite of the same bytes and a kubelet write of the same
/// payload; each is followed by <see cref="ISecretRefresher.RefreshAsync(CancellationToken)"/>, every second one only
/// after the debounce window has passed twice, so that the watcher's own read runs alone too.
/// </summary>
internal static class NoopTriggerHarness
{
    public const int DefaultCount = 1000;

    private static readonly string[] TriggerNames = ["touch (mtime only)", "rewrite same bytes in place", "kubelet writer, same payload"];

    /// <summary>Fires <paramref name="count"/> triggers and prints the counts. Returns 0 when the reload token never fired, else 1.</summary>
    public static async Task<int> RunAsync(int count, TextWriter output)
    {
        using var volume = TempVolume.Create("noop");
        var payload = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["user"] = "app",
            ["password"] = "s3cr3t-unchanged",
        };
        volume.Writer.Write(payload);

        var builder = new ConfigurationBuilder().AddMountedSecrets(volume.Path);
        var debounce = builder.Sources.OfType<MountedSecretsSource>().Single().DebounceWindow;
        var configuration = builder.Build();
        using var configurationLifetime = configuration as IDisposable;
        var refresher = configuration.GetSecretRefreshers().Single();
        var provider = configuration.GetSecretProviders().Single();
        using var reads = new RefreshRecorder(refresher.SourceName);

        var reloads = 0;
        using var reloadRegistration = ChangeToken.OnChange(configuration.GetReloadToken, () => Interlocked.Increment(ref reloads));

        var passwordFile = volume.CurrentDataFile("password");
        var passwordBytes = Encoding.UTF8.GetBytes(payload["password"]);
        var perKind = new int[TriggerNames.Length];
        var kubeletPublished = 0;
        var clock = Stopwatch.StartNew();
        for (var trigger = 0; trigger < count; trigger++)
        {
            var kind = trigger % TriggerNames.Length;
            perKind[kind]++;
            switch (kind)
            {
                case 0:
                    File.SetLastWriteTimeUtc(passwordFile, DateTime.UtcNow);
                    break;
                case 1:
                    // Without truncating, so no read can ever see a partial file: the bytes on disk never differ.
                    using (var handle = File.OpenHandle(passwordFile, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
                    {
                        RandomAccess.Write(handle, passwordBytes, fileOffset: 0);
                    }

                    break;
                default:
                    if (volume.Writer.Write(payload))
                    {
                        kubeletPublished++;
                    }

                    break;
            }

            if (trigger % 2 == 1)
            {
                // Let the watcher's debounced read run on its own first.
                await Task.Delay(debounce * 2);
            }

            await refresher.RefreshAsync();
        }

        // Let a last debounced watcher read run before counting.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        await provider.WhenIdleAsync();
        var elapsed = clock.Elapsed;

        var fired = Volatile.Read(ref reloads);
        var unchanged = configuration["password"] == payload["password"] && configuration["user"] == payload["user"];
        output.WriteLine($"noop-triggers: {count} no-op triggers in {elapsed.TotalSeconds:0.0} s, each followed by ISecretRefresher.RefreshAsync() (every second one after {(debounce * 2).TotalMilliseconds:0} ms, so watcher reads run alone too)");
        output.WriteLine($"  volume: {volume.Path} (debounce window {debounce.TotalMilliseconds:0} ms)");
        for (var kind = 0; kind < TriggerNames.Length; kind++)
        {
            output.WriteLine($"  trigger '{TriggerNames[kind]}': {perKind[kind]}");
        }

        output.WriteLine($"  kubelet writes that published a new version: {kubeletPublished} (expected 0)");
        output.WriteLine($"  source reads performed: {reads.Total}, by trigger:");
        foreach (var (triggers, readCount) in reads.ByTriggers)
        {
            output.WriteLine($"    {triggers}: {readCount}");
        }

        output.WriteLine($"  values still as written: {unchanged}");
        output.WriteLine($"  reload token fired: {fired} times (target 0) -> {(fired == 0 ? "PASS" : "FAIL")}");
        return fired == 0 && kubeletPublished == 0 && unchanged ? 0 : 1;
    }
}
