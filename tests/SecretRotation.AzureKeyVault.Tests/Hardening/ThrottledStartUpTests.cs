using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.Engine;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.AzureKeyVault.Tests.Hardening;

/// <summary>A pod that starts while the vault is over its transaction limit waits out the 429 instead of failing Build().</summary>
public sealed class ThrottledStartUpTests
{
    [Fact]
    public async Task AStartUpThatTheVaultThrottlesReadsAgainAfterItsRetryAfterAndSucceeds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        await using var vault = await KeyVaultEmulator.StartAsync(new KeyVaultEmulatorOptions { TimeProvider = time, TransactionLimit = 2 });
        vault.SetSecret("db-password", "p1");
        time.Advance(TimeSpan.FromMinutes(1));

        // The rest of the fleet uses up the window at t = 0.
        var fleet = vault.CreateInMemoryClient(new SecretClientOptions { Retry = { MaxRetries = 0 } });
        await fleet.GetSecretAsync("db-password");
        await fleet.GetSecretAsync("db-password");
        vault.ClearRequests();

        var client = vault.CreateInMemoryClient(new SecretClientOptions { Retry = { MaxRetries = 0 } });
        var builder = new ConfigurationBuilder().AddAzureKeyVaultSecrets(client, s =>
        {
            s.SecretNames = ["db-password"];
            s.PollInterval = null;
            s.TimeProvider = time;
            s.Randomizer = () => 0;
        });
        using var provider = (SecretConfigurationProvider)builder.Sources.Single().Build(builder);
        var building = Task.Run(() => (IConfigurationRoot)new ConfigurationRoot([provider]));

        await provider.WhenIdleAsync().WithTimeout("the first read to park in the throttle wait");
        Assert.False(building.IsCompleted);
        Assert.Equal(1, provider.Status.ConsecutiveFailures);
        time.Advance(TimeSpan.FromSeconds(10));
        var configuration = await building.WithTimeout("Build to return");

        Assert.Equal("p1", configuration["db-password"]);
        Assert.Equal([429, 200], vault.Requests.Where(r => r.IsAuthenticated).Select(r => r.StatusCode));
    }
}
