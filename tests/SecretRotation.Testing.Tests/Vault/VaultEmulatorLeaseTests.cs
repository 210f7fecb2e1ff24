using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>Dynamic database credentials and <c>sys/leases</c> over raw HTTP, with lease TTLs moved by a fake clock.</summary>
public sealed class VaultEmulatorLeaseTests
{
    private static readonly DateTimeOffset s_start = new(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;
    private readonly FakeTimeProvider _clock = new(s_start);

    [Fact]
    public async Task EachCredsReadIssuesNewCredentialsWithARenewableLease()
    {
        await using var emulator = await StartAsync();
        emulator.AddDatabaseRole("readonly", TimeSpan.FromHours(1), TimeSpan.FromHours(3));
        var token = emulator.CreateToken(TimeSpan.FromHours(24));
        using var wire = new VaultWire(emulator, _timeout);

        var first = await wire.GetAsync("database/creds/readonly", token);
        var second = await wire.GetAsync("database/creds/readonly", token);

        first.AssertEnvelope("database");
        Assert.Matches("^database/creds/readonly/[0-9A-Za-z]{24}$", first.Json.GetProperty("lease_id").GetString());
        Assert.True(first.Json.GetProperty("renewable").GetBoolean());
        Assert.Equal(3600, first.Json.GetProperty("lease_duration").GetInt32());
        Assert.Equal(["password", "username"], VaultReply.Names(first.Data));
        Assert.Matches($"^v-token-readonly-[A-Za-z0-9]{{20}}-{s_start.ToUnixTimeSeconds()}$", first.Data.GetProperty("username").GetString());
        var password = first.Data.GetProperty("password").GetString()!;
        Assert.Matches("^[A-Za-z0-9-]{20}$", password);
        Assert.Contains('-', password);
        Assert.NotEqual(first.Data.GetProperty("username").GetString(), second.Data.GetProperty("username").GetString());
        Assert.NotEqual(first.Json.GetProperty("lease_id").GetString(), second.Json.GetProperty("lease_id").GetString());
        var leases = emulator.ActiveLeases;
        Assert.Equal(2, leases.Count);
        Assert.Equal(s_start.AddHours(1), leases[0].ExpireTime);
        Assert.Equal(first.Data.GetProperty("username").GetString(), leases[0].Username);
    }

    [Fact]
    public async Task RenewalsExtendUpToTheMaxTtlWithTheCapWarningThenTheLeaseExpires()
    {
        await using var emulator = await StartAsync();
        emulator.AddDatabaseRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(3));
        using var wire = new VaultWire(emulator, _timeout);
        var token = emulator.RootToken;
        var leaseId = (await wire.GetAsync("database/creds/app", token)).Json.GetProperty("lease_id").GetString()!;

        var lookup = await wire.PutAsync("sys/leases/lookup", token, $$"""{"lease_id":"{{leaseId}}"}""");
        _clock.Advance(TimeSpan.FromMinutes(30));
        var lookupLater = await wire.PutAsync("sys/leases/lookup", token, $$"""{"lease_id":"{{leaseId}}"}""");
        var renewed = await wire.PutAsync("sys/leases/renew", token, $$"""{"lease_id":"{{leaseId}}","increment":7200}""");
        _clock.Advance(TimeSpan.FromHours(1));
        var capped = await wire.PostAsync("sys/leases/renew", token, $$"""{"lease_id":"{{leaseId}}","increment":"2h"}""");
        var renewedLookup = await wire.PutAsync("sys/leases/lookup", token, $$"""{"lease_id":"{{leaseId}}"}""");
        _clock.Advance(TimeSpan.FromMinutes(91));
        var expired = await wire.PutAsync("sys/leases/renew", token, $$"""{"lease_id":"{{leaseId}}"}""");
        var expiredLookup = await wire.PutAsync("sys/leases/lookup", token, $$"""{"lease_id":"{{leaseId}}"}""");

        lookup.AssertEnvelope("system");
        Assert.Equal(["expire_time", "id", "issue_time", "last_renewal", "renewable", "ttl"], VaultReply.Names(lookup.Data));
        Assert.Equal(leaseId, lookup.Data.GetProperty("id").GetString());
        Assert.Equal("2026-07-01T00:00:00Z", lookup.Data.GetProperty("issue_time").GetString());
        Assert.Equal("2026-07-01T01:00:00Z", lookup.Data.GetProperty("expire_time").GetString());
        Assert.Equal(JsonValueKind.Null, lookup.Data.GetProperty("last_renewal").ValueKind);
        Assert.True(lookup.Data.GetProperty("renewable").GetBoolean());
        Assert.Equal(3600, lookup.Data.GetProperty("ttl").GetInt32());
        Assert.Equal(1800, lookupLater.Data.GetProperty("ttl").GetInt32());

        renewed.AssertEnvelope("system");
        Assert.Equal(leaseId, renewed.Json.GetProperty("lease_id").GetString());
        Assert.True(renewed.Json.GetProperty("renewable").GetBoolean());
        Assert.Equal(7200, renewed.Json.GetProperty("lease_duration").GetInt32());
        Assert.Equal(JsonValueKind.Null, renewed.Data.ValueKind);
        Assert.Equal(JsonValueKind.Null, renewed.Json.GetProperty("warnings").ValueKind);

        Assert.Equal(5400, capped.Json.GetProperty("lease_duration").GetInt32());
        Assert.Equal(
            "TTL of \"2h0m0s\" exceeded the effective max_ttl of \"1h30m0s\"; TTL value is capped accordingly",
            Assert.Single(capped.Json.GetProperty("warnings").EnumerateArray()).GetString());
        Assert.Equal("2026-07-01T01:30:00Z", renewedLookup.Data.GetProperty("last_renewal").GetString());
        Assert.Equal("2026-07-01T03:00:00Z", renewedLookup.Data.GetProperty("expire_time").GetString());

        expired.AssertErrors(HttpStatusCode.BadRequest, "lease not found");
        expiredLookup.AssertErrors(HttpStatusCode.BadRequest, "invalid lease");
        Assert.Empty(emulator.ActiveLeases);
    }

    [Fact]
    public async Task ARenewalWithoutIncrementGrantsTheRoleDefaultTtl()
    {
        await using var emulator = await StartAsync();
        emulator.AddDatabaseRole("app", TimeSpan.FromMinutes(10), TimeSpan.FromHours(1));
        using var wire = new VaultWire(emulator, _timeout);
        var leaseId = (await wire.GetAsync("database/creds/app", emulator.RootToken)).Json.GetProperty("lease_id").GetString()!;
        _clock.Advance(TimeSpan.FromMinutes(5));

        var renewed = await wire.PutAsync("sys/leases/renew/" + leaseId, emulator.RootToken, "{}");

        Assert.Equal(600, renewed.Json.GetProperty("lease_duration").GetInt32());
        Assert.Equal(s_start.AddMinutes(15), Assert.Single(emulator.ActiveLeases).ExpireTime);
    }

    [Fact]
    public async Task RevokedLeasesCannotBeRenewed()
    {
        await using var emulator = await StartAsync();
        emulator.AddDatabaseRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        using var wire = new VaultWire(emulator, _timeout);
        var token = emulator.RootToken;
        var leaseId = (await wire.GetAsync("database/creds/app", token)).Json.GetProperty("lease_id").GetString()!;
        var queuedLeaseId = (await wire.GetAsync("database/creds/app", token)).Json.GetProperty("lease_id").GetString()!;

        var revoking = await wire.PutAsync("sys/leases/revoke", token, $$"""{"lease_id":"{{leaseId}}"}""");
        var queued = await wire.PutAsync("sys/leases/revoke", token, $$"""{"lease_id":"{{queuedLeaseId}}","sync":false}""");
        var unknown = await wire.PutAsync("sys/leases/revoke", token, """{"lease_id":"database/creds/app/unknown"}""");
        var renew = await wire.PutAsync("sys/leases/renew", token, $$"""{"lease_id":"{{leaseId}}"}""");
        var noLease = await wire.PutAsync("sys/leases/renew", token, "{}");

        Assert.Equal(HttpStatusCode.NoContent, revoking.Status);
        Assert.Equal(HttpStatusCode.Accepted, queued.Status);
        Assert.Equal(HttpStatusCode.NoContent, unknown.Status);
        renew.AssertErrors(HttpStatusCode.BadRequest, "lease not found");
        noLease.AssertErrors(HttpStatusCode.BadRequest, "lease_id must be specified");
        Assert.Empty(emulator.ActiveLeases);
    }

    [Fact]
    public async Task LeasesDieWithTheTokenThatReadThem()
    {
        await using var emulator = await StartAsync();
        emulator.AddDatabaseRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        var shortToken = emulator.CreateToken(TimeSpan.FromMinutes(10));
        var revokedToken = emulator.CreateToken(TimeSpan.FromHours(1));
        using var wire = new VaultWire(emulator, _timeout);
        var expiring = (await wire.GetAsync("database/creds/app", shortToken)).Json.GetProperty("lease_id").GetString()!;
        await wire.GetAsync("database/creds/app", revokedToken);

        Assert.Equal(2, emulator.ActiveLeases.Count);
        Assert.True(emulator.RevokeToken(revokedToken));
        Assert.Single(emulator.ActiveLeases);
        _clock.Advance(TimeSpan.FromMinutes(11));
        var renew = await wire.PutAsync("sys/leases/renew", emulator.RootToken, $$"""{"lease_id":"{{expiring}}"}""");

        renew.AssertErrors(HttpStatusCode.BadRequest, "lease not found");
        Assert.Empty(emulator.ActiveLeases);
        Assert.False(emulator.RevokeToken(shortToken));
    }

    [Fact]
    public async Task RevokingByAccessorRevokesTheTokenAndItsLeases()
    {
        await using var emulator = await StartAsync();
        emulator.AddDatabaseRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        var token = emulator.CreateToken(TimeSpan.FromHours(1));
        using var wire = new VaultWire(emulator, _timeout);
        await wire.GetAsync("database/creds/app", token);
        var accessor = emulator.Requests[^1].TokenAccessor;

        Assert.True(emulator.RevokeTokenByAccessor(accessor));
        var refused = await wire.GetAsync("auth/token/lookup-self", token);

        refused.AssertErrors(HttpStatusCode.Forbidden, "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n");
        Assert.Empty(emulator.ActiveLeases);
        Assert.False(emulator.RevokeTokenByAccessor(accessor));
    }

    [Fact]
    public async Task UnknownRolesAndWrongOperationsOnTheDatabaseMountAreRefused()
    {
        await using var emulator = await StartAsync();
        emulator.AddDatabaseRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        using var wire = new VaultWire(emulator, _timeout);

        var unknownRole = await wire.GetAsync("database/creds/nope", emulator.RootToken);
        var write = await wire.PostAsync("database/creds/app", emulator.RootToken, "{}");
        var otherPath = await wire.GetAsync("database/roles/app", emulator.RootToken);

        unknownRole.AssertErrors(HttpStatusCode.BadRequest, "unknown role: nope");
        write.AssertErrors(HttpStatusCode.MethodNotAllowed, "1 error occurred:\n\t* unsupported operation\n\n");
        otherPath.AssertErrors(HttpStatusCode.NotFound, "1 error occurred:\n\t* unsupported path\n\n");
        Assert.Throws<ArgumentException>(() => emulator.AddDatabaseRole("bad", TimeSpan.FromHours(2), TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task LeasesCanBeListedUnderAPrefix()
    {
        await using var emulator = await StartAsync();
        emulator.AddDatabaseRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        using var wire = new VaultWire(emulator, _timeout);
        var leaseId = (await wire.GetAsync("database/creds/app", emulator.RootToken)).Json.GetProperty("lease_id").GetString()!;

        var list = await wire.ListAsync("sys/leases/lookup/database/creds/app", emulator.RootToken);
        var empty = await wire.ListAsync("sys/leases/lookup/database/creds/other", emulator.RootToken);

        Assert.Equal(leaseId["database/creds/app/".Length..], Assert.Single(list.Data.GetProperty("keys").EnumerateArray()).GetString());
        empty.AssertErrors(HttpStatusCode.NotFound);
    }

    private Task<VaultEmulator> StartAsync() =>
        VaultEmulator.StartAsync(new VaultEmulatorOptions { TimeProvider = _clock }, _timeout);
}
