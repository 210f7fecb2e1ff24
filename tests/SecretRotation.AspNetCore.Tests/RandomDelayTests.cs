using System.Net;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.AspNetCore.Tests;

/// <summary>The push endpoint's random delay comes from the injectable randomizer and waits on the options' clock.</summary>
public sealed class RandomDelayTests
{
    private const string NewVersion = "Microsoft.KeyVault.SecretNewVersionCreated";

    [Fact]
    public async Task TheRandomDelayIsTheInjectedFractionOfMaxRandomDelay()
    {
        var time = new TimerRecordingTimeProvider();
        await using var host = await EventsHost.StartAsync(configure: o =>
        {
            o.MaxRandomDelay = TimeSpan.FromSeconds(10);
            o.TimeProvider = time;
            o.Randomizer = () => 0.25;
        });
        var version = host.Vault.SetSecret("Db--Password", "push-2");

        var post = host.Client.PostAsync(WireEvents.WithKey(),
            WireEvents.EventGridArray(WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData(host.VaultHost, "Db--Password", version))));

        Assert.Equal(TimeSpan.FromSeconds(2.5), await time.FirstTimer.Task.WithTimeout("the random delay to start"));
        Assert.Equal(0, host.Gets());
        time.Advance(TimeSpan.FromSeconds(2.5));
        using var response = await post.WithTimeout("the refresh after the delay");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("push-2", host.Configuration["Db:Password"]);
    }

    private sealed class TimerRecordingTimeProvider : FakeTimeProvider
    {
        public TaskCompletionSource<TimeSpan> FirstTimer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            FirstTimer.TrySetResult(dueTime);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }
}
