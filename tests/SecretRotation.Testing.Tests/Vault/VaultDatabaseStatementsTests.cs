using System.Net;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>
/// Database roles with a "real" database: the statements Vault's PostgreSQL plugin would run, handed to the test's callback
/// (here a recorder; tests/SecretRotation.ZeroDowntime.Tests runs them on a real PostgreSQL) on creation, renewal and the
/// lease's end.
/// </summary>
public sealed class VaultDatabaseStatementsTests
{
    private static readonly DateTimeOffset s_start = new(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;
    private readonly FakeTimeProvider _clock = new(s_start);
    private readonly Channel<IReadOnlyList<string>> _executed = Channel.CreateUnbounded<IReadOnlyList<string>>();

    [Fact]
    public async Task ACredsReadRunsTheCreationStatementsBeforeItAnswers()
    {
        await using var emulator = await StartAsync();
        emulator.AddDatabaseRole("app", Role(TimeSpan.FromHours(1), TimeSpan.FromHours(2)));
        using var wire = new VaultWire(emulator, _timeout);

        var creds = await wire.GetAsync("database/creds/app", emulator.RootToken);

        creds.AssertEnvelope("database");
        var user = creds.Data.GetProperty("username").GetString()!;
        var password = creds.Data.GetProperty("password").GetString()!;
        Assert.True(_executed.Reader.TryRead(out var created), "the creation ran before the answer");
        Assert.Equal([$"CREATE ROLE \"{user}\" WITH LOGIN PASSWORD '{password}' VALID UNTIL '2026-07-01 01:00:00+0000'"], created);
        Assert.Single(emulator.ActiveLeases);
    }

    [Fact]
    public async Task AFailedCreationAnswers500WithoutThePasswordAndIssuesNoLease()
    {
        await using var emulator = await StartAsync();
        var options = Role(TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        string? statement = null;
        options.ExecuteAsync = (statements, _) =>
        {
            statement = statements[0];
            throw new InvalidOperationException("the database is down");
        };
        emulator.AddDatabaseRole("app", options);
        using var wire = new VaultWire(emulator, _timeout);

        var creds = await wire.GetAsync("database/creds/app", emulator.RootToken);

        creds.AssertErrors(HttpStatusCode.InternalServerError, "1 error occurred:\n\t* failed to create user: InvalidOperationException\n\n");
        Assert.Empty(emulator.ActiveLeases);
        var failure = Assert.Single(emulator.DatabaseFailures);
        Assert.StartsWith("Creating the credentials of user v-root-app-", failure.Message, StringComparison.Ordinal);
        Assert.Equal("the database is down", failure.InnerException!.Message);
        var password = Assert.Single(Regex.Matches(statement!, "PASSWORD '([^']+)'")).Groups[1].Value;
        Assert.DoesNotContain(password, creds.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(password, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARenewalMovesValidUntilAndARevokeAnswersOnceTheUserIsDropped()
    {
        await using var emulator = await StartAsync();
        emulator.AddDatabaseRole("app", Role(TimeSpan.FromHours(1), TimeSpan.FromHours(3)));
        using var wire = new VaultWire(emulator, _timeout);
        var creds = await wire.GetAsync("database/creds/app", emulator.RootToken);
        var user = creds.Data.GetProperty("username").GetString()!;
        var leaseId = creds.Json.GetProperty("lease_id").GetString()!;
        _ = await _executed.Reader.ReadAsync(_timeout);

        _clock.Advance(TimeSpan.FromMinutes(30));
        var renewed = await wire.PutAsync("sys/leases/renew", emulator.RootToken, $$"""{"lease_id":"{{leaseId}}","increment":3600}""");
        Assert.Equal(HttpStatusCode.OK, renewed.Status);
        Assert.True(_executed.Reader.TryRead(out var renewal));
        Assert.Equal([$"ALTER ROLE \"{user}\" VALID UNTIL '2026-07-01 01:30:00+0000'"], renewal);

        var revoked = await wire.PutAsync("sys/leases/revoke", emulator.RootToken, $$"""{"lease_id":"{{leaseId}}"}""");
        Assert.Equal(HttpStatusCode.NoContent, revoked.Status);
        Assert.True(_executed.Reader.TryRead(out var revocation), "a synchronous revoke answers after the revocation ran");
        Assert.Equal(
            [$"ALTER ROLE \"{user}\" NOLOGIN", $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{user}'", $"DROP ROLE IF EXISTS \"{user}\""],
            revocation);
        Assert.Empty(emulator.ActiveLeases);
        Assert.Empty(emulator.DatabaseFailures);
    }

    [Fact]
    public async Task ALeaseThatExpiresOnTheClockIsRevokedWithoutAnyRequest()
    {
        await using var emulator = await StartAsync();
        emulator.AddDatabaseRole("app", Role(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10)));
        using var wire = new VaultWire(emulator, _timeout);
        var user = (await wire.GetAsync("database/creds/app", emulator.RootToken)).Data.GetProperty("username").GetString()!;
        _ = await _executed.Reader.ReadAsync(_timeout);

        _clock.Advance(TimeSpan.FromMinutes(9));
        Assert.False(_executed.Reader.TryRead(out _));
        _clock.Advance(TimeSpan.FromMinutes(1));

        var revocation = await _executed.Reader.ReadAsync(_timeout);
        Assert.Equal($"DROP ROLE IF EXISTS \"{user}\"", revocation[^1]);
        Assert.Empty(emulator.ActiveLeases);
    }

    [Fact]
    public async Task RevokingTheTokenRevokesItsUsersAndAFailingRevocationIsTriedThreeTimesThenRecorded()
    {
        await using var emulator = await StartAsync();
        var attempts = 0;
        var options = Role(TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        var record = options.ExecuteAsync!;
        options.ExecuteAsync = async (statements, cancellationToken) =>
        {
            if (statements[0].StartsWith("ALTER ROLE", StringComparison.Ordinal) && Interlocked.Increment(ref attempts) <= 3)
            {
                throw new InvalidOperationException("revocation refused");
            }

            await record(statements, cancellationToken);
        };
        emulator.AddDatabaseRole("app", options);
        var token = emulator.CreateToken(TimeSpan.FromHours(24));
        using var wire = new VaultWire(emulator, _timeout);
        var leaseId = (await wire.GetAsync("database/creds/app", token)).Json.GetProperty("lease_id").GetString()!;
        _ = await _executed.Reader.ReadAsync(_timeout);

        Assert.True(emulator.RevokeToken(token));
        var revoked = await wire.PutAsync("sys/leases/revoke", emulator.RootToken, $$"""{"lease_id":"{{leaseId}}"}""");

        Assert.Equal(HttpStatusCode.NoContent, revoked.Status);
        Assert.Equal(3, Volatile.Read(ref attempts));
        var failure = Assert.Single(emulator.DatabaseFailures);
        Assert.Matches("^Revoking the credentials of user v-token-app-.* \\(attempt 3\\) failed\\.$", failure.Message);
        Assert.False(_executed.Reader.TryRead(out _));
    }

    private VaultDatabaseRoleOptions Role(TimeSpan ttl, TimeSpan maxTtl) => new()
    {
        DefaultTtl = ttl,
        MaxTtl = maxTtl,
        ExecuteAsync = async (statements, cancellationToken) => await _executed.Writer.WriteAsync(statements, cancellationToken),
    };

    private Task<VaultEmulator> StartAsync() =>
        VaultEmulator.StartAsync(new VaultEmulatorOptions { TimeProvider = _clock }, _timeout);
}
