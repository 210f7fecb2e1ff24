using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using SecretRotation.Engine;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// A configuration with one Key Vault source on an <see cref="EmulatedVault"/>'s fake clock, whose scheduled polls are run
/// one at a time by moving that clock one poll interval, counting what each poll sent to the vault.
/// </summary>
internal sealed class PolledConfiguration : IDisposable
{
    /// <summary>How long to wait for the refresh loop to reach its timer, or to finish a poll, before giving up.</summary>
    private static readonly TimeSpan LoopTimeout = TimeSpan.FromSeconds(30);

    private readonly EmulatedVault _vault;
    private readonly IConfigurationRoot _configuration;
    private readonly SecretConfigurationProvider _provider;
    private readonly RefreshRecorder _reads;
    private readonly IDisposable _reloadRegistration;
    private int _reloads;

    private PolledConfiguration(EmulatedVault vault, IConfigurationRoot configuration, TimeSpan pollInterval, RequestCounts initialLoad)
    {
        _vault = vault;
        _configuration = configuration;
        PollInterval = pollInterval;
        InitialLoad = initialLoad;
        _provider = configuration.GetSecretProviders().Single();
        _reads = new RefreshRecorder(_provider.SourceName);
        _reloadRegistration = ChangeToken.OnChange(configuration.GetReloadToken, () => Interlocked.Increment(ref _reloads));
    }

    /// <summary>The source's poll interval (its default unless <c>configure</c> changed it).</summary>
    public TimeSpan PollInterval { get; }

    /// <summary>The requests <c>Build()</c> sent (the initial load).</summary>
    public RequestCounts InitialLoad { get; }

    public string? this[string key] => _configuration[key];

    /// <summary>Builds the configuration (a fresh client, so a fresh connection pool) and counts the initial load's requests.</summary>
    public static PolledConfiguration Build(EmulatedVault vault, Action<AzureKeyVaultSecretsSource> configure)
    {
        var builder = vault.CreateBuilder(vault.Emulator.CreateClient(), configure);
        var pollInterval = builder.Sources.OfType<AzureKeyVaultSecretsSource>().Single().PollInterval
            ?? throw new InvalidOperationException("The Key Vault source has no poll interval.");
        vault.Emulator.ClearRequests();
        var configuration = builder.Build();
        return new PolledConfiguration(vault, configuration, pollInterval, vault.TakeRequests());
    }

    /// <summary>Runs exactly one scheduled poll: waits for the loop to reach its timer, moves the fake clock one interval, waits for the loop to finish.</summary>
    public Task<PollCycle> PollAsync() => PollAsync(TimeSpan.Zero, static () => { });

    /// <summary>As <see cref="PollAsync()"/>, but runs <paramref name="change"/> when the clock is <paramref name="lead"/> short of the poll.</summary>
    public async Task<PollCycle> PollAsync(TimeSpan lead, Action change)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lead, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(lead, PollInterval);
        await _provider.WhenIdleAsync().WaitAsync(LoopTimeout);
        _vault.Emulator.ClearRequests();
        var readsBefore = _reads.Total;
        var reloadsBefore = Volatile.Read(ref _reloads);

        _vault.Time.Advance(PollInterval - lead);
        change();
        _vault.Time.Advance(lead);
        await _provider.WhenIdleAsync().WaitAsync(LoopTimeout);

        return new PollCycle(
            _vault.TakeRequests(),
            _reads.Total - readsBefore,
            Volatile.Read(ref _reloads) - reloadsBefore,
            _provider.Status.ConsecutiveFailures > 0);
    }

    public void Dispose()
    {
        _reloadRegistration.Dispose();
        _reads.Dispose();
        (_configuration as IDisposable)?.Dispose();
    }
}
