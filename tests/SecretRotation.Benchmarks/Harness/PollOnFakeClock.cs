using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// Part 2's check on a fake clock: a Key Vault source with every default (5-min poll, ±10 % jitter) except its
/// <c>TimeProvider</c>, which it shares with the emulator; rotations written at random moments must be seen exactly at the
/// next poll. The clock moves <see cref="Step"/> at a time; after each step the harness waits until the engine is idle again.
/// </summary>
internal static class PollOnFakeClock
{
    public const int DefaultTrials = 200;

    /// <summary>
    /// Each write comes a uniformly random time of up to this long after the previous rotation was seen: several poll
    /// intervals, so the write's phase within its poll interval is close to uniformly random (a window of one interval is not:
    /// it favours the start of the interval after a poll).
    /// </summary>
    public static readonly TimeSpan WriteWindow = TimeSpan.FromMinutes(20);

    public static readonly TimeSpan Step = TimeSpan.FromSeconds(1);

    /// <summary>Fixed, so the write moments are the same from run to run (the engine's own jitter is not seeded).</summary>
    private const int Seed = 20260302;

    private static readonly TimeSpan LoopTimeout = TimeSpan.FromSeconds(30);

    public static async Task<PolledRotations> RunAsync(int trials)
    {
        await using var vault = await EmulatedVault.StartAsync(secretCount: 1, latency: TimeSpan.Zero);
        var builder = new ConfigurationBuilder();
        builder.AddAzureKeyVaultSecrets(vault.Emulator.CreateClient(), source => source.TimeProvider = vault.Time);
        var longest = builder.Sources.OfType<AzureKeyVaultSecretsSource>().Single() is { PollInterval: { } interval, PollJitter: var jitter }
            ? interval * (1 + jitter)
            : throw new InvalidOperationException("The Key Vault source has no poll interval.");
        var configuration = builder.Build();
        using var lifetime = configuration as IDisposable;
        var provider = configuration.GetSecretProviders().Single();
        using var reads = new RefreshRecorder(provider.SourceName);
        var reloads = 0;
        using var reloadRegistration = ChangeToken.OnChange(configuration.GetReloadToken, () => Interlocked.Increment(ref reloads));

        var name = vault.SecretNames[0];
        var random = new Random(Seed);
        var polls = new List<DateTimeOffset>();
        var waits = new List<TimeSpan>();
        int seenAtFirstPoll = 0, lists = 0, gets = 0;

        async Task<bool> StepAsync()
        {
            await provider.WhenIdleAsync().WaitAsync(LoopTimeout);
            var before = reads.Total;
            vault.Time.Advance(Step);
            await provider.WhenIdleAsync().WaitAsync(LoopTimeout);
            if (reads.Total == before)
            {
                return false;
            }

            polls.Add(vault.Time.GetUtcNow());
            return true;
        }

        for (var trial = 1; trial <= trials; trial++)
        {
            var quietSteps = random.Next(0, (int)(WriteWindow / Step));
            for (var i = 0; i < quietSteps; i++)
            {
                await StepAsync();
            }

            var value = $"polled-{trial:D3}";
            var writtenAt = vault.Time.GetUtcNow();
            vault.Emulator.SetSecret(name, value);
            vault.Emulator.ClearRequests();
            var pollsBefore = polls.Count;
            while (configuration[name] != value && vault.Time.GetUtcNow() - writtenAt <= longest * 2)
            {
                await StepAsync();
            }

            if (configuration[name] != value)
            {
                continue;
            }

            waits.Add(vault.Time.GetUtcNow() - writtenAt);
            if (polls.Count - pollsBefore == 1)
            {
                seenAtFirstPoll++;
            }

            var requests = vault.TakeRequests();
            lists += requests.Lists;
            gets += requests.Gets;
        }

        var gaps = polls.Zip(polls.Skip(1), static (earlier, later) => later - earlier).ToArray();
        return new PolledRotations(trials, seenAtFirstPoll, waits, gaps, Step, lists, gets, Volatile.Read(ref reloads));
    }
}
