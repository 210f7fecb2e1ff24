using System.Diagnostics;
using System.Text.RegularExpressions;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>The emulator driven by the real <see cref="SecretClient"/> (Azure.Security.KeyVault.Secrets 4.12.0) over HTTPS.</summary>
public sealed partial class KeyVaultEmulatorTests
{
    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;

    [Fact]
    public async Task SetThenGetLatestReturnsTheValueWithAVersionedId()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        var client = emulator.CreateClient();

        var set = await client.SetSecretAsync(new KeyVaultSecret("db-password", "p1") { Properties = { ContentType = "text/plain" } }, _timeout);
        var got = (await client.GetSecretAsync("db-password", cancellationToken: _timeout)).Value;

        Assert.Equal("p1", got.Value);
        Assert.Equal("text/plain", got.Properties.ContentType);
        Assert.Equal(set.Value.Id, got.Id);
        Assert.Equal(new Uri($"{emulator.VaultUri}secrets/db-password/{got.Properties.Version}"), got.Id);
        Assert.Matches(VersionPattern(), got.Properties.Version);
        Assert.Equal(emulator.VaultUri, got.Properties.VaultUri);
        Assert.True(got.Properties.Enabled);
        Assert.Equal("Recoverable+Purgeable", got.Properties.RecoveryLevel);
        Assert.Equal(90, got.Properties.RecoverableDays);
        Assert.Equal("127.0.0.1", emulator.VaultUri.Host);
    }

    [Fact]
    public async Task GetByVersionReturnsThatVersion()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        var client = emulator.CreateClient();
        var first = (await client.SetSecretAsync("api-key", "v1", _timeout)).Value.Properties.Version;
        var second = (await client.SetSecretAsync("api-key", "v2", _timeout)).Value.Properties.Version;

        Assert.Equal("v1", (await client.GetSecretAsync("api-key", first, _timeout)).Value.Value);
        Assert.Equal("v2", (await client.GetSecretAsync("api-key", second, _timeout)).Value.Value);
        Assert.Equal("v2", (await client.GetSecretAsync("api-key", cancellationToken: _timeout)).Value.Value);
    }

    [Fact]
    public async Task TheSecondOfTwoWritesInTheSameSecondIsTheLatest()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        await using var emulator = await KeyVaultEmulator.StartAsync(new KeyVaultEmulatorOptions { TimeProvider = time }, _timeout);
        var client = emulator.CreateClient();

        var first = (await client.SetSecretAsync("token", "first", _timeout)).Value;
        var second = (await client.SetSecretAsync("token", "second", _timeout)).Value;
        var latest = (await client.GetSecretAsync("token", cancellationToken: _timeout)).Value;

        Assert.Equal(first.Properties.CreatedOn, second.Properties.CreatedOn);
        Assert.Equal(time.GetUtcNow(), second.Properties.CreatedOn);
        Assert.Equal("second", latest.Value);
        Assert.Equal(second.Properties.Version, latest.Properties.Version);

        // The same holds for writes made directly.
        var direct = emulator.SetSecret("token", "third");
        Assert.Equal(direct, (await client.GetSecretAsync("token", cancellationToken: _timeout)).Value.Properties.Version);
    }

    [Fact]
    public async Task SixtySecretsAreListedInThreePagesWithUnversionedIds()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        var names = Enumerable.Range(0, 60).Select(i => $"secret-{i:D2}").ToList();
        foreach (var name in names)
        {
            emulator.SetSecret(name, "value-" + name);
        }

        emulator.SetSecret("secret-00", "newer");
        var client = emulator.CreateClient();

        var pages = new List<IReadOnlyList<SecretProperties>>();
        await foreach (var page in client.GetPropertiesOfSecretsAsync(_timeout).AsPages())
        {
            pages.Add(page.Values);
        }

        Assert.Equal([25, 25, 10], pages.Select(page => page.Count));
        var listed = pages.SelectMany(page => page).ToList();
        Assert.Equal(names, listed.Select(properties => properties.Name));
        Assert.All(listed, properties =>
        {
            Assert.Equal(new Uri($"{emulator.VaultUri}secrets/{properties.Name}"), properties.Id);
            Assert.Null(properties.Version);
            Assert.Null(properties.ContentType);
        });
        Assert.Equal(3, emulator.CountRequests(KeyVaultOperation.ListSecrets));
    }

    [Fact]
    public async Task ListingVersionsReturnsEveryVersionWithItsId()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        var versions = Enumerable.Range(0, 30).Select(i => emulator.SetSecret("rotated", $"v{i}")).ToList();
        emulator.SetSecret("other", "x");
        var client = emulator.CreateClient();

        var listed = new List<SecretProperties>();
        await foreach (var properties in client.GetPropertiesOfSecretVersionsAsync("rotated", _timeout))
        {
            listed.Add(properties);
        }

        Assert.Equal(versions, listed.Select(properties => properties.Version));
        Assert.All(listed, properties => Assert.Equal(new Uri($"{emulator.VaultUri}secrets/rotated/{properties.Version}"), properties.Id));
        Assert.Equal(2, emulator.CountRequests(KeyVaultOperation.ListSecretVersions, "rotated"));
    }

    [Fact]
    public async Task DisablingAVersionMakesGetFailWith403Forbidden()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        var client = emulator.CreateClient();
        var secret = (await client.SetSecretAsync("db-password", "p1", _timeout)).Value;

        secret.Properties.Enabled = false;
        var updated = (await client.UpdateSecretPropertiesAsync(secret.Properties, _timeout)).Value;

        Assert.False(updated.Enabled);
        Assert.Equal(secret.Properties.Version, updated.Version);
        var error = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("db-password", cancellationToken: _timeout));
        Assert.Equal(403, error.Status);
        Assert.Equal("Forbidden", error.ErrorCode);
        Assert.Contains("Operation get is not allowed on a disabled secret.", error.Message, StringComparison.Ordinal);

        // Listing still shows it, disabled.
        await foreach (var properties in client.GetPropertiesOfSecretsAsync(_timeout))
        {
            Assert.False(properties.Enabled);
        }

        // Enabling it again (directly) makes it readable.
        emulator.UpdateSecret("db-password", version: null, enabled: true);
        Assert.Equal("p1", (await client.GetSecretAsync("db-password", cancellationToken: _timeout)).Value.Value);
    }

    [Fact]
    public async Task NotBeforeAndExpiresRoundTripToTheSecond()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        var client = emulator.CreateClient();
        var notBefore = new DateTimeOffset(2030, 1, 2, 3, 4, 5, 678, TimeSpan.FromHours(2));
        var expires = new DateTimeOffset(2031, 6, 7, 8, 9, 10, 999, TimeSpan.Zero);

        await client.SetSecretAsync(new KeyVaultSecret("cert-pass", "x") { Properties = { NotBefore = notBefore, ExpiresOn = expires } }, _timeout);
        var got = (await client.GetSecretAsync("cert-pass", cancellationToken: _timeout)).Value;

        // Not yet valid, but the service still returns it with its value.
        Assert.Equal("x", got.Value);
        Assert.Equal(notBefore.AddTicks(-(notBefore.Ticks % TimeSpan.TicksPerSecond)), got.Properties.NotBefore);
        Assert.Equal(expires.AddTicks(-(expires.Ticks % TimeSpan.TicksPerSecond)), got.Properties.ExpiresOn);

        var expired = DateTimeOffset.UnixEpoch.AddYears(40);
        emulator.SetSecret("old", "still-here", expiresOn: expired);
        var old = (await client.GetSecretAsync("old", cancellationToken: _timeout)).Value;
        Assert.Equal("still-here", old.Value);
        Assert.Equal(expired, old.Properties.ExpiresOn);
    }

    [Fact]
    public async Task ADeletedSecretIsNotFoundAndItsNameIsReservedUntilPurged()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        var client = emulator.CreateClient();
        await client.SetSecretAsync("db-password", "p1", _timeout);
        await client.SetSecretAsync("kept", "k", _timeout);

        var operation = await client.StartDeleteSecretAsync("db-password", _timeout);
        var deleted = (await operation.WaitForCompletionAsync(_timeout)).Value;

        Assert.Equal(new Uri($"{emulator.VaultUri}deletedsecrets/db-password"), deleted.RecoveryId);
        Assert.NotNull(deleted.DeletedOn);
        Assert.Equal(deleted.DeletedOn!.Value.AddDays(90), deleted.ScheduledPurgeDate);
        var error = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("db-password", cancellationToken: _timeout));
        Assert.Equal(404, error.Status);
        Assert.Equal("SecretNotFound", error.ErrorCode);
        var listed = new List<string>();
        await foreach (var properties in client.GetPropertiesOfSecretsAsync(_timeout))
        {
            listed.Add(properties.Name);
        }

        Assert.Equal(["kept"], listed);

        var conflict = await Assert.ThrowsAsync<RequestFailedException>(() => client.SetSecretAsync("db-password", "p2", _timeout));
        Assert.Equal(409, conflict.Status);
        Assert.Equal("Conflict", conflict.ErrorCode);
        Assert.Throws<InvalidOperationException>(() => emulator.SetSecret("db-password", "p2"));

        await client.PurgeDeletedSecretAsync("db-password", _timeout);
        await client.SetSecretAsync("db-password", "p2", _timeout);
        Assert.Equal("p2", (await client.GetSecretAsync("db-password", cancellationToken: _timeout)).Value.Value);
    }

    [Fact]
    public async Task ADeletedSecretCanBeRecovered()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        var client = emulator.CreateClient();
        emulator.SetSecret("db-password", "p1");
        Assert.True(emulator.DeleteSecret("db-password"));
        Assert.False(emulator.DeleteSecret("db-password"));

        var operation = await client.StartRecoverDeletedSecretAsync("db-password", _timeout);
        await operation.WaitForCompletionAsync(_timeout);

        Assert.Equal("p1", (await client.GetSecretAsync("db-password", cancellationToken: _timeout)).Value.Value);
    }

    [Fact]
    public async Task WithPurgeOnDeleteANameCanBeReusedAtOnce()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(new KeyVaultEmulatorOptions { PurgeOnDelete = true }, _timeout);
        var client = emulator.CreateClient();
        await client.SetSecretAsync("db-password", "p1", _timeout);

        var operation = await client.StartDeleteSecretAsync("db-password", _timeout);

        Assert.True(operation.HasCompleted);
        Assert.Null(operation.Value.RecoveryId);
        Assert.Equal("Purgeable", operation.Value.Properties.RecoveryLevel);
        Assert.Equal(0, operation.Value.Properties.RecoverableDays);
        await client.SetSecretAsync("db-password", "p2", _timeout);
        Assert.Equal("p2", (await client.GetSecretAsync("db-password", cancellationToken: _timeout)).Value.Value);
    }

    [Fact]
    public async Task TheChallengeHappensOncePerClient()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        var client = emulator.CreateClient();

        await client.SetSecretAsync("a", "1", _timeout);
        await client.GetSecretAsync("a", cancellationToken: _timeout);
        await foreach (var _ in client.GetPropertiesOfSecretsAsync(_timeout))
        {
        }

        var requests = emulator.Requests;
        Assert.Equal(4, requests.Count);
        Assert.True(requests[0].IsChallenge);
        Assert.Equal(("PUT", "/secrets/a", 401), (requests[0].Method, requests[0].Path, requests[0].StatusCode));
        Assert.Equal(("PUT", "/secrets/a", 200), (requests[1].Method, requests[1].Path, requests[1].StatusCode));
        Assert.All(requests.Skip(1), request => Assert.True(request.IsAuthenticated));
        Assert.Equal([KeyVaultOperation.SetSecret, KeyVaultOperation.SetSecret, KeyVaultOperation.GetSecret, KeyVaultOperation.ListSecrets],
            requests.Select(request => request.Operation));
        Assert.All(requests, request => Assert.NotNull(request.ApiVersion));
    }

    [Fact]
    public async Task AThrottledGetIsRetriedAfterRetryAfterAndSucceeds()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        emulator.SetSecret("db-password", "p1");
        var client = emulator.CreateClient();
        emulator.InjectFault(new KeyVaultFault { PathPrefix = "/secrets/db-password", Method = "GET", StatusCode = 429, RetryAfter = TimeSpan.FromSeconds(1), Count = 1 });

        var secret = (await client.GetSecretAsync("db-password", cancellationToken: _timeout)).Value;

        Assert.Equal("p1", secret.Value);
        var gets = emulator.Requests.Where(request => request.IsAuthenticated && request.Operation == KeyVaultOperation.GetSecret).ToList();
        Assert.Equal([429, 200], gets.Select(request => request.StatusCode));
        Assert.Equal(2, emulator.CountRequests(KeyVaultOperation.GetSecret, "DB-PASSWORD"));
    }

    [Fact]
    public async Task AFaultWithoutACountLastsUntilCleared()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        emulator.SetSecret("x", "1");
        var options = new SecretClientOptions { Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(1) } };
        var client = emulator.CreateClient(options);
        emulator.InjectFault(new KeyVaultFault { StatusCode = 503 });

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("x", cancellationToken: _timeout));

        Assert.Equal(503, error.Status);
        Assert.Equal("ServiceUnavailable", error.ErrorCode);
        Assert.Equal(2, emulator.CountRequests(KeyVaultOperation.GetSecret));
        emulator.ClearFaults();
        Assert.Equal("1", (await client.GetSecretAsync("x", cancellationToken: _timeout)).Value.Value);
    }

    [Fact]
    public async Task LatencyDelaysEveryRequest()
    {
        var latency = TimeSpan.FromMilliseconds(150);
        await using var emulator = await KeyVaultEmulator.StartAsync(new KeyVaultEmulatorOptions { Latency = latency }, _timeout);
        emulator.SetSecret("x", "1");
        var client = emulator.CreateClient();
        await client.GetSecretAsync("x", cancellationToken: _timeout);

        var stopwatch = Stopwatch.StartNew();
        await client.GetSecretAsync("x", cancellationToken: _timeout);
        Assert.True(stopwatch.Elapsed >= latency, $"took {stopwatch.Elapsed}");

        emulator.Latency = TimeSpan.Zero;
        emulator.InjectFault(new KeyVaultFault { PathPrefix = "/secrets/x", Latency = latency, Count = 1 });
        stopwatch.Restart();
        Assert.Equal("1", (await client.GetSecretAsync("x", cancellationToken: _timeout)).Value.Value);
        Assert.True(stopwatch.Elapsed >= latency, $"took {stopwatch.Elapsed}");
        Assert.Equal(TimeSpan.Zero, emulator.Latency);
    }

    [Fact]
    public async Task ADeniedPermissionGives403AccessDenied()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        emulator.SetSecret("a", "1");
        emulator.SetSecret("b", "2");
        var client = emulator.CreateClient();
        emulator.DenyPermission(KeyVaultSecretAccess.List);
        emulator.DenyPermission(KeyVaultSecretAccess.Get, "b");

        var listError = await Assert.ThrowsAsync<RequestFailedException>(async () =>
        {
            await foreach (var _ in client.GetPropertiesOfSecretsAsync(_timeout))
            {
            }
        });
        var getError = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("B", cancellationToken: _timeout));

        Assert.Equal((403, "Forbidden"), (listError.Status, listError.ErrorCode));
        Assert.Contains("does not have secrets list permission on key vault", listError.Message, StringComparison.Ordinal);
        Assert.Equal((403, "Forbidden"), (getError.Status, getError.ErrorCode));
        Assert.Contains("does not have secrets get permission on key vault", getError.Message, StringComparison.Ordinal);
        Assert.Equal("1", (await client.GetSecretAsync("a", cancellationToken: _timeout)).Value.Value);

        emulator.ClearDeniedPermissions();
        Assert.Equal("2", (await client.GetSecretAsync("b", cancellationToken: _timeout)).Value.Value);
    }

    [Fact]
    public async Task ParallelWritesAreAllKept()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        var client = emulator.CreateClient();
        await client.SetSecretAsync("warm-up", "0", _timeout);

        var written = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => client.SetSecretAsync("shared", $"v{i}", _timeout)));

        var versions = new List<string>();
        await foreach (var properties in client.GetPropertiesOfSecretVersionsAsync("shared", _timeout))
        {
            versions.Add(properties.Version);
        }

        Assert.Equal(written.Select(response => response.Value.Properties.Version).Order(StringComparer.Ordinal), versions.Order(StringComparer.Ordinal));
        Assert.Equal(40, emulator.CountRequests(KeyVaultOperation.SetSecret, "shared"));
        Assert.Equal(versions[^1], (await client.GetSecretAsync("shared", cancellationToken: _timeout)).Value.Properties.Version);
    }

    [Fact]
    public async Task CreateClientKeepsTheCallersRetryOptions()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        emulator.SetSecret("x", "1");
        var options = new SecretClientOptions { Retry = { MaxRetries = 0 } };
        var client = emulator.CreateClient(options);
        emulator.InjectFault(new KeyVaultFault { StatusCode = 500, Count = 1 });

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("x", cancellationToken: _timeout));

        Assert.Equal(500, error.Status);
        Assert.True(options.DisableChallengeResourceVerification);
        Assert.Equal(1, emulator.CountRequests(KeyVaultOperation.GetSecret));
    }

    [Fact]
    public async Task DirectArgumentsAreValidated()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);

        Assert.Throws<ArgumentException>(() => emulator.SetSecret("bad_name", "x"));
        Assert.Throws<ArgumentException>(() => emulator.SetSecret(new string('a', 128), "x"));
        Assert.Throws<InvalidOperationException>(() => emulator.UpdateSecret("missing", null, enabled: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => emulator.InjectFault(new KeyVaultFault { StatusCode = 500, Count = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => emulator.Latency = TimeSpan.FromMilliseconds(-1));
        Assert.False(emulator.PurgeDeletedSecret("missing"));
    }

    [Fact]
    public async Task EachEmulatorHasItsOwnPort()
    {
        var ports = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
            ports.Add(emulator.VaultUri.Port);
            Assert.Equal(new Uri($"https://127.0.0.1:{emulator.VaultUri.Port}/"), emulator.VaultUri);
        }

        Assert.Equal(3, ports.Distinct().Count());
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex VersionPattern();
}
