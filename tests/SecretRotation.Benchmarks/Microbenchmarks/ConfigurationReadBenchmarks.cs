using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using SecretRotation.Benchmarks.Infrastructure;

namespace SecretRotation.Benchmarks.Microbenchmarks;

/// <summary>
/// Reading a loaded key through <see cref="IConfiguration"/>: a mounted volume of 20 files against an in-memory provider
/// holding exactly the same keys and values. Target: ratio at most 1.05, nothing allocated. <see cref="InMemoryControl"/>
/// reads a second, identical in-memory configuration: its ratio shows how far identical code drifts on this machine.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ConfigurationReadBenchmarks
{
    private const string Key = "Db:Password";
    private const int FileCount = 20;

    private TempVolume? _volume;
    private IConfigurationRoot _mounted = null!;
    private IConfigurationRoot _inMemory = null!;
    private IConfigurationRoot _inMemoryControl = null!;

    [GlobalSetup]
    public void Setup()
    {
        _volume = TempVolume.Create("read");
        var payload = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Db__Password"] = "p@ssw0rd-0123456789abcdef",
            ["Db__User"] = "app",
            ["Db__Host"] = "db.internal",
        };
        for (var i = payload.Count; i < FileCount; i++)
        {
            payload[$"Secret{i:D2}"] = $"value-{i.ToString(CultureInfo.InvariantCulture)}-0123456789abcdef";
        }

        _volume.Writer.Write(payload);
        _mounted = new ConfigurationBuilder().AddMountedSecrets(_volume.Path).Build();

        // The same keys and values, as the mounted provider loaded them.
        var loaded = _mounted.AsEnumerable().Where(pair => pair.Value is not null).ToList();
        if (loaded.Count != FileCount || _mounted[Key] != payload["Db__Password"])
        {
            throw new InvalidOperationException($"The mounted provider loaded {loaded.Count} keys, expected {FileCount}.");
        }

        _inMemory = new ConfigurationBuilder().AddInMemoryCollection(loaded).Build();
        _inMemoryControl = new ConfigurationBuilder().AddInMemoryCollection(loaded).Build();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        (_mounted as IDisposable)?.Dispose();
        (_inMemory as IDisposable)?.Dispose();
        (_inMemoryControl as IDisposable)?.Dispose();
        _volume?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public string? InMemory() => _inMemory[Key];

    [Benchmark]
    public string? MountedSecrets() => _mounted[Key];

    /// <summary>The same read as the baseline, on a second identical configuration: the noise floor of the ratio.</summary>
    [Benchmark]
    public string? InMemoryControl() => _inMemoryControl[Key];
}
