using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>The opt-in transaction limit (Key Vault's published 4,000 per 10 s per vault) and the in-process client.</summary>
public sealed class KeyVaultEmulatorThrottlingTests
{
    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;

    [Fact]
    public async Task PastTheLimitRequestsGet429WithRetryAfterAndTheThrottledBody()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        await using var emulator = await KeyVaultEmulator.StartAsync(new KeyVaultEmulatorOptions { TimeProvider = time, TransactionLimit = 3 }, _timeout);
        emulator.SetSecret("db", "v1");
        var client = emulator.CreateInMemoryClient(new SecretClientOptions { Retry = { MaxRetries = 0 } });

        for (var i = 0; i < 3; i++)
        {
            await client.GetSecretAsync("db", cancellationToken: _timeout);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var refused = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("db", cancellationToken: _timeout));

        Assert.Equal(429, refused.Status);
        Assert.Equal("Throttled", refused.ErrorCode);
        Assert.Contains("VaultRequestTypeLimitReached", refused.Message, StringComparison.Ordinal);
        // The first accepted GET was at t=0 and leaves the 10 s window at t=10; it is t=3 now.
        Assert.True(refused.GetRawResponse()!.Headers.TryGetValue("Retry-After", out var retryAfter));
        Assert.Equal("7", retryAfter);
    }

    [Fact]
    public async Task RefusedRequestsDoNotCountAndTheWindowSlides()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        await using var emulator = await KeyVaultEmulator.StartAsync(new KeyVaultEmulatorOptions { TimeProvider = time, TransactionLimit = 2 }, _timeout);
        emulator.SetSecret("db", "v1");
        var client = emulator.CreateInMemoryClient(new SecretClientOptions { Retry = { MaxRetries = 0 } });

        await client.GetSecretAsync("db", cancellationToken: _timeout);
        time.Advance(TimeSpan.FromSeconds(5));
        await client.GetSecretAsync("db", cancellationToken: _timeout);
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("db", cancellationToken: _timeout));
        }

        time.Advance(TimeSpan.FromSeconds(5));

        // The GET at t=0 has left the window; the five 429s took nothing from it.
        Assert.Equal("v1", (await client.GetSecretAsync("db", cancellationToken: _timeout)).Value.Value);
        await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("db", cancellationToken: _timeout));
        var statuses = emulator.Requests.Where(r => r.IsAuthenticated).Select(r => r.StatusCode).ToArray();
        Assert.Equal([200, 200, 429, 429, 429, 429, 429, 200, 429], statuses);
    }

    [Fact]
    public async Task ListPagesCountAsTransactionsButTheChallengeDoesNot()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        await using var emulator = await KeyVaultEmulator.StartAsync(new KeyVaultEmulatorOptions { TimeProvider = time, TransactionLimit = 2 }, _timeout);
        for (var i = 0; i < 30; i++)
        {
            emulator.SetSecret($"s{i}", "v");
        }

        var client = emulator.CreateInMemoryClient(new SecretClientOptions { Retry = { MaxRetries = 0 } });
        var listed = 0;
        await foreach (var _ in client.GetPropertiesOfSecretsAsync(_timeout))
        {
            listed++;
        }

        Assert.Equal(30, listed);
        Assert.Equal(1, emulator.Requests.Count(r => r.IsChallenge));
        var refused = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("s1", cancellationToken: _timeout));
        Assert.Equal(429, refused.Status);
    }

    [Fact]
    public async Task WithoutALimitNothingIsThrottled()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        emulator.SetSecret("db", "v1");
        var client = emulator.CreateInMemoryClient();

        for (var i = 0; i < 50; i++)
        {
            await client.GetSecretAsync("db", cancellationToken: _timeout);
        }

        Assert.Equal(50, emulator.CountRequests(KeyVaultOperation.GetSecret));
        Assert.DoesNotContain(emulator.Requests, r => r.StatusCode == 429);
    }

    [Fact]
    public async Task TheInMemoryClientWritesAndReadsLikeTheHttpsOne()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        var client = emulator.CreateInMemoryClient();

        var set = (await client.SetSecretAsync(new KeyVaultSecret("api-key", "k1") { Properties = { ContentType = "text/plain" } }, _timeout)).Value;
        var got = (await emulator.CreateClient().GetSecretAsync("api-key", cancellationToken: _timeout)).Value;
        var missing = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("nope", cancellationToken: _timeout));

        Assert.Equal(set.Properties.Version, got.Properties.Version);
        Assert.Equal("k1", got.Value);
        Assert.Equal("text/plain", got.Properties.ContentType);
        Assert.Equal(404, missing.Status);
        Assert.Equal("SecretNotFound", missing.ErrorCode);
    }

    [Fact]
    public async Task TheDefaultSdkRetryPolicyRetriesA429AfterRetryAfterSoEveryRetryReachesTheVault()
    {
        // Key Vault figures must count what reaches the vault: Azure.Core's default policy (3 retries) resends a throttled
        // GET after Retry-After. Real clock: the emulator's window runs on the system clock here, with a 1 s Retry-After.
        await using var emulator = await KeyVaultEmulator.StartAsync(new KeyVaultEmulatorOptions { TransactionLimit = 1 }, _timeout);
        emulator.SetSecret("db", "v1");
        var client = emulator.CreateInMemoryClient(new SecretClientOptions { Retry = { MaxRetries = 3, MaxDelay = TimeSpan.FromSeconds(11) } });
        await client.GetSecretAsync("db", cancellationToken: _timeout);

        // The window is full for ~10 s: each retry waits at least the Retry-After it got and is refused again until then.
        var got = await client.GetSecretAsync("db", cancellationToken: _timeout);

        Assert.Equal("v1", got.Value.Value);
        var statuses = emulator.Requests.Where(r => r.IsAuthenticated).Select(r => r.StatusCode).ToArray();
        Assert.Equal(200, statuses[0]);
        Assert.Equal(200, statuses[^1]);
        Assert.Contains(429, statuses);
    }
}
