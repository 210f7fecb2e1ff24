using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace SecretRotation.Benchmarks.Microbenchmarks;

/// <summary>
/// What a rotating client costs per use: reading <see cref="IRotatingClient{TClient}.Current"/> (the baseline), taking and
/// ending a lease (ref count up and down, one small token so a second Dispose is harmless), and reading a previous value
/// through <see cref="ISecretHistory"/> with one secret source in the configuration.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class RotatingClientBenchmarks
{
    private ServiceProvider _services = null!;
    private IRotatingClient<object> _client = null!;
    private ISecretHistory _history = null!;
    private IConfigurationRoot _configuration = null!;

    [GlobalSetup]
    public void Setup()
    {
        _configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Db:Password"] = "p1" })
            .Build();
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(_configuration)
            .AddSecretRotation()
            .AddRotatingClient("Db", (_, section) => new object())
            .BuildServiceProvider();
        _client = _services.GetRequiredService<IRotatingClient<object>>();
        _history = _services.GetRequiredService<ISecretHistory>();
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true)]
    public object Current() => _client.Current;

    [Benchmark]
    public object LeaseAndDispose()
    {
        using var lease = _client.Lease();
        return lease.Client;
    }

    [Benchmark]
    public bool HistoryLookupWithoutSecretSources() => _history.TryGetPrevious("Db:Password", out _, out _);
}
