using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.Engine;
using SecretRotation.Testing;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// One simulated pod: a <see cref="VaultEmulator"/> and a configuration with one HashiCorp Vault source on a single
/// <see cref="FakeTimeProvider"/>, so tokens, leases and polls move only when the clock is stepped. The source logs in with
/// Kubernetes auth (role <see cref="Role"/>, token TTL <see cref="TokenTtl"/>, max TTL <see cref="TokenMaxTtl"/>) and has
/// every default except <c>PollJitter = 0</c>, so a poll runs exactly one poll interval after the read before it.
/// </summary>
internal sealed class VaultPod : IAsyncDisposable
{
    /// <summary>The Kubernetes auth role, its policy and the database role.</summary>
    public const string Role = "app";

    public static readonly TimeSpan TokenTtl = TimeSpan.FromHours(1);

    public static readonly TimeSpan TokenMaxTtl = TimeSpan.FromHours(24);

    /// <summary>The service-account JWT the pod logs in with (written to a temp file, as the kubelet mounts it).</summary>
    public const string ServiceAccountJwt = "benchmark-service-account-jwt";

    private static readonly DateTimeOffset ClockStart = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>How long to wait for the refresh loop to reach its timer, or to finish a read, before giving up.</summary>
    private static readonly TimeSpan LoopTimeout = TimeSpan.FromSeconds(30);

    private readonly string _jwtDirectory;
    private readonly IConfigurationRoot _configuration;
    private readonly SecretConfigurationProvider _provider;
    private readonly RefreshRecorder _reads;
    private readonly IDisposable _reloadRegistration;
    private int _reloads;

    private VaultPod(VaultEmulator emulator, FakeTimeProvider time, string jwtDirectory, IConfigurationRoot configuration, VaultRequestCounts startup)
    {
        Emulator = emulator;
        Time = time;
        _jwtDirectory = jwtDirectory;
        _configuration = configuration;
        Startup = startup;
        StartedAt = time.GetUtcNow();
        _provider = configuration.GetSecretProviders().Single();
        _reads = new RefreshRecorder(_provider.SourceName);
        _reloadRegistration = ChangeToken.OnChange(configuration.GetReloadToken, () => Interlocked.Increment(ref _reloads));
    }

    public VaultEmulator Emulator { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>The fake clock when <c>Build()</c> ran.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Time since <c>Build()</c> on the fake clock.</summary>
    public TimeSpan Elapsed => Time.GetUtcNow() - StartedAt;

    /// <summary>The requests <c>Build()</c> sent (login, engine detection, first reads).</summary>
    public VaultRequestCounts Startup { get; }

    public SecretSourceStatus Status => _provider.Status;

    public string? this[string key] => _configuration[key];

    /// <summary>
    /// Starts an emulator with the Kubernetes role and its policy, lets <paramref name="arrange"/> add secrets and roles, and
    /// builds the configuration with the source's paths from <paramref name="map"/>.
    /// </summary>
    public static async Task<VaultPod> StartAsync(Action<VaultEmulator> arrange, Action<HashiCorpVaultSource> map)
    {
        var time = new FakeTimeProvider(ClockStart);
        var emulator = await VaultEmulator.StartAsync(new VaultEmulatorOptions { TimeProvider = time });
        var jwtDirectory = Path.Join(Path.GetTempPath(), $"secretrotation-vault-{Guid.NewGuid():N}");
        try
        {
            emulator.SetPolicy(Role, $"secret/data/{Role}/*", $"secret/metadata/{Role}/*", $"database/creds/{Role}");
            emulator.AddKubernetesRole(Role, ServiceAccountJwt, TokenTtl, TokenMaxTtl, [Role]);
            arrange(emulator);
            Directory.CreateDirectory(jwtDirectory);
            var jwtPath = Path.Join(jwtDirectory, "token");
            await File.WriteAllTextAsync(jwtPath, ServiceAccountJwt);

            emulator.ClearRequests();
            var configuration = new ConfigurationBuilder()
                .AddHashiCorpVault(options =>
                {
                    options.Address = emulator.Address;
                    options.TimeProvider = time;
                    options.PollJitter = 0;
                    options.UseKubernetesAuth(Role, jwtPath: jwtPath);
                    map(options);
                })
                .Build();
            return new VaultPod(emulator, time, jwtDirectory, configuration, TakeRequests(emulator));
        }
        catch
        {
            await emulator.DisposeAsync();
            DeleteDirectory(jwtDirectory);
            throw;
        }
    }

    /// <summary>Moves the clock by <paramref name="by"/> (once the loop's timer exists) and waits until the loop has handled it.</summary>
    public async Task<VaultStep> StepAsync(TimeSpan by)
    {
        await _provider.WhenIdleAsync().WaitAsync(LoopTimeout);
        var readsBefore = _reads.ByTriggers;
        var reloadsBefore = Volatile.Read(ref _reloads);

        Time.Advance(by);
        await _provider.WhenIdleAsync().WaitAsync(LoopTimeout);

        var readsAfter = _reads.ByTriggers;
        var triggers = new List<string>();
        foreach (var (trigger, count) in readsAfter)
        {
            var added = count - readsBefore.GetValueOrDefault(trigger);
            triggers.AddRange(Enumerable.Repeat(trigger, added));
        }

        return new VaultStep(Elapsed, TakeRequests(Emulator), triggers, Volatile.Read(ref _reloads) - reloadsBefore);
    }

    public async ValueTask DisposeAsync()
    {
        _reloadRegistration.Dispose();
        _reads.Dispose();
        (_configuration as IDisposable)?.Dispose();
        await _provider.Completion.WaitAsync(LoopTimeout);
        await Emulator.DisposeAsync();
        DeleteDirectory(_jwtDirectory);
    }

    private static VaultRequestCounts TakeRequests(VaultEmulator emulator)
    {
        var counts = VaultRequestCounts.From(emulator.Requests);
        emulator.ClearRequests();
        return counts;
    }

    private static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
