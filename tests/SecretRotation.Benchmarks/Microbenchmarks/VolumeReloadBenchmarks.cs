using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using SecretRotation.Benchmarks.Infrastructure;

namespace SecretRotation.Benchmarks.Microbenchmarks;

/// <summary>
/// A full reload of a 1,000-file volume through <see cref="ISecretRefresher.RefreshAsync(CancellationToken)"/>: read every
/// file through the resolved <c>..data</c> target, compare, swap the data and fire the reload token. Target: median at
/// most 20 ms. The watcher and the poll clock are off, so the measured refresh is the only read.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class VolumeReloadBenchmarks
{
    private const int FileCount = 1000;

    private TempVolume? _volume;
    private IConfigurationRoot _configuration = null!;
    private ISecretRefresher _refresher = null!;
    private Dictionary<string, string> _payloadA = null!;
    private Dictionary<string, string> _payloadB = null!;
    private bool _nextIsB;

    [GlobalSetup]
    public void Setup()
    {
        _payloadA = Payload("a");
        _payloadB = new Dictionary<string, string>(_payloadA, StringComparer.Ordinal) { ["secret-0500"] = "rotated-value-b" };
        _volume = TempVolume.Create("reload");
        _volume.Writer.Write(_payloadA);
        _nextIsB = true;
        _configuration = new ConfigurationBuilder()
            .AddMountedSecrets(_volume.Path, source =>
            {
                source.UseFileWatcher = false;
                source.PollInterval = null;
            })
            .Build();
        _refresher = _configuration.GetSecretRefreshers().Single();
        if (_configuration.AsEnumerable().Count() != FileCount)
        {
            throw new InvalidOperationException($"Expected {FileCount} keys.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        (_configuration as IDisposable)?.Dispose();
        _volume?.Dispose();
    }

    /// <summary>A kubelet-style swap that changes one of the 1,000 files, outside the measurement.</summary>
    [IterationSetup(Target = nameof(RefreshAfterSwap))]
    public void Swap()
    {
        _volume!.Writer.Write(_nextIsB ? _payloadB : _payloadA);
        _nextIsB = !_nextIsB;
    }

    /// <summary>Each refresh sees one changed value: full read, compare, data swap, reload token.</summary>
    [Benchmark]
    public Task RefreshAfterSwap() => _refresher.RefreshAsync();

    /// <summary>A refresh that finds nothing changed: full read and compare only.</summary>
    [Benchmark]
    public Task RefreshUnchanged() => _refresher.RefreshAsync();

    private static Dictionary<string, string> Payload(string variant)
    {
        var payload = new Dictionary<string, string>(FileCount, StringComparer.Ordinal);
        for (var i = 0; i < FileCount; i++)
        {
            payload[$"secret-{i.ToString("D4", CultureInfo.InvariantCulture)}"] = $"value-{variant}-{i.ToString(CultureInfo.InvariantCulture)}-0123456789abcdef";
        }

        return payload;
    }
}
