using System.Diagnostics;
using System.Globalization;
using SecretRotation.TestSupport;
using Xunit.Abstractions;

namespace SecretRotation.Testing.Tests;

/// <summary>Many writes while a watch reads: every event arrives once, in resource-version order, with nothing skipped.</summary>
public sealed class KubernetesEmulatorLoadTests(ITestOutputHelper output)
{
    private readonly CancellationToken _timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task TenThousandUpdatesArriveInOrderOnAWatch()
    {
        const int Updates = 10_000;
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        var start = emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["user"] = "app", ["password"] = "0" });
        using var wire = new KubernetesWire(emulator, _timeout);

        using var watch = await wire.WatchAsync($"/api/v1/namespaces/apps/secrets?watch=1&resourceVersion={start}", emulator.AdminToken);
        var reading = Task.Run(async () =>
        {
            var versions = new List<long>(Updates);
            while (versions.Count < Updates && await watch.NextAsync() is { } e)
            {
                versions.Add(long.Parse(e.GetProperty("object").GetProperty("metadata").GetProperty("resourceVersion").GetString()!, CultureInfo.InvariantCulture));
            }

            return versions;
        });
        var clock = Stopwatch.StartNew();
        for (var i = 1; i <= Updates; i++)
        {
            emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["user"] = "app", ["password"] = i.ToString(CultureInfo.InvariantCulture) });
        }

        var written = clock.Elapsed;
        var versions = await reading.WithTimeout("10,000 watch events");
        output.WriteLine($"{Updates} updates written in {written.TotalMilliseconds:F0} ms, all read after {clock.Elapsed.TotalMilliseconds:F0} ms");

        var first = long.Parse(start, CultureInfo.InvariantCulture) + 1;
        Assert.Equal(Enumerable.Range(0, Updates).Select(i => first + i), versions);
        Assert.Equal(versions[^1].ToString(CultureInfo.InvariantCulture), emulator.ResourceVersion);
    }
}
