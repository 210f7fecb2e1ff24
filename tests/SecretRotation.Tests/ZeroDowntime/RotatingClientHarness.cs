using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.RotatingClients;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.ZeroDowntime;

/// <summary>A service provider with an in-memory configuration and one rotating <see cref="TestClient"/> built from <c>Db</c>.</summary>
public sealed class RotatingClientHarness : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<TestClient> _built = [];

    public RotatingClientHarness(Action<RotatingClientOptions>? configure = null, TimeProvider? time = null, Func<IConfigurationSection, bool>? fail = null)
    {
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        Configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Db:Password"] = "p1", ["Db:User"] = "app", ["Other"] = "x", ["Tls:Thumbprint"] = "t1" })
            .Build();
        Fail = fail;
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(Configuration)
            .AddSingleton(Time)
            .AddSingleton<ILoggerFactory>(Logs.CreateFactory());
        services.AddRotatingClient("Db", (_, section) =>
        {
            var failing = Fail;
            Interlocked.Increment(ref _factoryCalls);
            if (failing?.Invoke(section) == true)
            {
                throw new InvalidOperationException($"could not connect with password {section["Password"]}");
            }

            lock (_gate)
            {
                var client = new TestClient(section["Password"], _built.Count + 1);
                _built.Add(client);
                return client;
            }
        }, configure);
        Services = services.BuildServiceProvider();
    }

    private int _factoryCalls;

    public TimeProvider Time { get; }

    public FakeTimeProvider FakeTime => (FakeTimeProvider)Time;

    public IConfigurationRoot Configuration { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public ServiceProvider Services { get; }

    /// <summary>When it returns true for the section, the factory throws (with the password in the message).</summary>
    public Func<IConfigurationSection, bool>? Fail { get; set; }

    public int FactoryCalls => Volatile.Read(ref _factoryCalls);

    public IRotatingClient<TestClient> Client => Services.GetRequiredService<IRotatingClient<TestClient>>();

    internal RotatingClient<TestClient> Engine => (RotatingClient<TestClient>)Client;

    public IReadOnlyList<TestClient> Built
    {
        get
        {
            lock (_gate)
            {
                return _built.ToArray();
            }
        }
    }

    /// <summary>Sets a key and reloads the configuration (as a secret source's change would), then waits for the rebuild to settle.</summary>
    public async Task SetAsync(string key, string value)
    {
        Configuration[key] = value;
        Configuration.Reload();
        await Engine.WhenSettledAsync().WithTimeout("the rebuild to settle");
    }

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
