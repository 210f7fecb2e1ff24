using System.Net;
using System.Text.Json;
using SecretRotation.HashiCorpVault.Client;
using SecretRotation.TestSupport;

namespace SecretRotation.HashiCorpVault.Tests.Hardening;

/// <summary>Absurd lease and token durations are clamped when read, so later reads and schedules never overflow.</summary>
public sealed class DurationClampTests
{
    [Theory]
    [InlineData("1000000000000", VaultDuration.MaxSeconds)]
    [InlineData("9223372036854775807", VaultDuration.MaxSeconds)]
    [InlineData("1e30", VaultDuration.MaxSeconds)]
    [InlineData("3600", 3600)]
    [InlineData("0", 0)]
    [InlineData("-5", 0)]
    [InlineData("-1e30", 0)]
    public void LeaseDurationsAreReadWithinTenYears(string raw, long expected)
    {
        using var document = JsonDocument.Parse($$$"""{"lease_duration":{{{raw}}},"auth":{"client_token":"t","lease_duration":{{{raw}}}}}""");

        var response = VaultResponse.Parse(document.RootElement);

        Assert.Equal(expected, response.LeaseDuration);
        Assert.Equal(expected, response.Auth!.LeaseDuration);
    }

    [Fact]
    public async Task HugeLeaseAndTokenDurationsKeepLaterReadsWorking()
    {
        var password = "first";
        await using var vault = await LoopbackServer.StartAsync(IPAddress.Loopback, async (context, request) =>
        {
            switch (request.Path)
            {
                case ScriptedSource.LookupSelf:
                    await LoopbackServer.JsonAsync(context, """{"data":{"ttl":9223372036854775807,"renewable":true}}""");
                    break;
                case "/v1/auth/token/renew-self":
                    await LoopbackServer.JsonAsync(context, """{"auth":{"client_token":"hvs.token","lease_duration":9223372036854775807,"renewable":true}}""");
                    break;
                case "/v1/secret/app":
                    await LoopbackServer.JsonAsync(context, $$$"""{"lease_duration":1000000000000,"data":{"password":"{{{Volatile.Read(ref password)}}}","ttl":"1000000000000s"}}""");
                    break;
                case "/v1/database/creds/app":
                    await LoopbackServer.JsonAsync(context, """{"lease_id":"database/creds/app/l1","renewable":true,"lease_duration":9223372036854775807,"data":{"username":"v-app","password":"db-pass"}}""");
                    break;
                case "/v1/sys/leases/renew":
                    await LoopbackServer.JsonAsync(context, """{"lease_id":"database/creds/app/l1","renewable":true,"lease_duration":1000000000000}""");
                    break;
                default:
                    context.Response.StatusCode = 404;
                    break;
            }
        });

        using var source = ScriptedSource.Build(vault.Address, o => o
            .UseToken("hvs.token")
            .Map("secret/app", "App", VaultSecretKind.KvV1)
            .Map("database/creds/app", "Db", VaultSecretKind.Leased));
        Assert.Equal("first", source.Configuration["App:password"]);
        Assert.Equal("db-pass", source.Configuration["Db:password"]);

        Volatile.Write(ref password, "second");
        Assert.True(await source.Provider.TryRefreshAsync().WithTimeout("the manual refresh"));
        await source.AdvanceAsync(TimeSpan.FromDays(400));
        await source.AdvanceAsync(TimeSpan.FromMinutes(5));

        Assert.Equal("second", source.Configuration["App:password"]);
        Assert.Equal("db-pass", source.Configuration["Db:password"]);
        Assert.Equal(0, source.Provider.Status.ConsecutiveFailures);
        Assert.Null(source.Provider.Status.LastError);
    }
}
