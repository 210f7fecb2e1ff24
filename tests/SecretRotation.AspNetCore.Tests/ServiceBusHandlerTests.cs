using System.Text.Json.Nodes;
using SecretRotation.AspNetCore.ServiceBus;
using SecretRotation.Testing;

namespace SecretRotation.AspNetCore.Tests;

/// <summary>
/// Messages as the processor hands them over, through the receiver's handler (the webhook's parser and dispatcher) into the
/// Key Vault source, read with the real SecretClient from the emulator.
/// </summary>
public sealed class ServiceBusHandlerTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    public async Task AnEventGridSchemaEventIsCompletedAfterOneGet(string? contentType)
    {
        await using var host = await ReceiverHost.StartAsync();
        var version = host.Vault.SetSecret("Db--Password", "bus-2");
        var body = WireEvents.EventGridEvent(BusMessages.NewVersion, WireEvents.KeyVaultData(host.VaultHost, "Db--Password", version));

        var outcome = await host.Handler.HandleAsync(BusMessages.Of(body, contentType), CancellationToken.None);

        Assert.Equal(MessageSettlement.Complete, outcome.Settlement);
        Assert.Equal(1, outcome.Refreshed);
        Assert.Equal("bus-2", host.Configuration["Db:Password"]);
        Assert.Equal(1, host.Gets("Db--Password"));
        Assert.Equal(1, host.Gets());
        Assert.Equal(0, host.Lists());
    }

    [Theory]
    [InlineData("application/cloudevents+json; charset=utf-8")]
    [InlineData("application/json")]
    [InlineData(null)]
    public async Task ACloudEventIsCompletedAfterOneGet(string? contentType)
    {
        await using var host = await ReceiverHost.StartAsync();
        var version = host.Vault.SetSecret("Db--Password", "cloud-bus-2");

        var outcome = await host.Handler.HandleAsync(BusMessages.CloudEvent(host.VaultHost, "Db--Password", version, contentType), CancellationToken.None);

        Assert.Equal(MessageSettlement.Complete, outcome.Settlement);
        Assert.Equal("cloud-bus-2", host.Configuration["Db:Password"]);
        Assert.Equal(1, host.Gets());
        Assert.Equal(0, host.Lists());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnArrayOfEventsIsAcceptedToo(bool cloudEvents)
    {
        await using var host = await ReceiverHost.StartAsync();
        var version = host.Vault.SetSecret("Db--User", "array-user");
        var data = WireEvents.KeyVaultData(host.VaultHost, "Db--User", version);
        var body = new JsonArray(cloudEvents ? WireEvents.CloudEvent(BusMessages.NewVersion, data) : WireEvents.EventGridEvent(BusMessages.NewVersion, data));

        var outcome = await host.Handler.HandleAsync(BusMessages.Of(body), CancellationToken.None);

        Assert.Equal(MessageSettlement.Complete, outcome.Settlement);
        Assert.Equal("array-user", host.Configuration["Db:User"]);
        Assert.Equal(1, host.Gets());
    }

    [Fact]
    public async Task TheSameEventAgainIsCompletedWithoutAnotherGet()
    {
        await using var host = await ReceiverHost.StartAsync();
        var version = host.Vault.SetSecret("Db--Password", "once");

        var first = await host.Handler.HandleAsync(BusMessages.EventGrid(host.VaultHost, "Db--Password", version, id: "event-1"), CancellationToken.None);
        var again = await host.Handler.HandleAsync(BusMessages.EventGrid(host.VaultHost, "Db--Password", version, id: "event-1"), CancellationToken.None);
        var sameVersionNewId = await host.Handler.HandleAsync(BusMessages.EventGrid(host.VaultHost, "Db--Password", version, id: "event-2"), CancellationToken.None);

        Assert.Equal(MessageSettlement.Complete, first.Settlement);
        Assert.Equal(MessageSettlement.Complete, again.Settlement);
        Assert.Equal(MessageSettlement.Complete, sameVersionNewId.Settlement);
        Assert.Equal("once", host.Configuration["Db:Password"]);
        Assert.Equal(1, host.Gets());
    }

    public static TheoryData<string, string> PoisonBodies()
    {
        var deep = new string('[', 200) + new string(']', 200);
        var deepData = WireEvents.EventGridEvent(BusMessages.NewVersion, new JsonObject { ["Deep"] = JsonNode.Parse(new string('[', 40) + new string(']', 40)) }).ToJsonString();
        return new TheoryData<string, string>
        {
            { "not json at all", "malformed JSON" },
            { "{\"id\": \"x\", \"eventType\": ", "malformed JSON" },
            { "{}", "an event lacks one of the required fields" },
            { "[{\"specversion\": \"1.0\"}]", "an event lacks one of the required fields" },
            { "[1, 2]", "every event must be a JSON object" },
            { "[]", "no events" },
            { "\"a string\"", "expected a JSON object or array of events" },
            { "42", "expected a JSON object or array of events" },
            { "{\"id\": 5, \"subject\": [], \"eventType\": {}, \"eventTime\": true, \"data\": {}, \"dataVersion\": 1}", "events lack required fields or have fields of the wrong type" },
            { "{\"specversion\": \"1.0\", \"id\": 7, \"type\": [], \"source\": {}}", "events lack required fields or have fields of the wrong type" },
            { deep, "malformed JSON" },
            { deepData, "event data is not valid JSON" },
        };
    }

    [Theory]
    [MemberData(nameof(PoisonBodies))]
    public async Task PoisonIsDeadLetteredWithAShortReasonAndReadsNothing(string body, string reason)
    {
        await using var host = await ReceiverHost.StartAsync();

        var outcome = await host.Handler.HandleAsync(BusMessages.Of(body), CancellationToken.None);

        Assert.Equal(MessageSettlement.DeadLetter, outcome.Settlement);
        Assert.StartsWith(reason, outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, host.Gets());
        Assert.Equal("push-1", host.Configuration["Db:Password"]);
    }

    [Fact]
    public async Task KeyVaultDataWithWrongFieldsIsDeadLetteredWithoutQuotingIt()
    {
        await using var host = await ReceiverHost.StartAsync();
        var noNames = WireEvents.EventGridEvent(BusMessages.NewVersion, new JsonObject { ["Id"] = "https://x/secrets/y/z", ["Leak"] = "do-not-echo" });
        var badExpiry = WireEvents.EventGridEvent(BusMessages.NewVersion, WireEvents.KeyVaultData(host.VaultHost, "Db--Password", "v", exp: "do-not-echo"));

        var first = await host.Handler.HandleAsync(BusMessages.Of(noNames), CancellationToken.None);
        var second = await host.Handler.HandleAsync(BusMessages.Of(badExpiry), CancellationToken.None);

        Assert.Equal(new MessageOutcome(MessageSettlement.DeadLetter, "event data lacks VaultName or ObjectName"), first);
        Assert.Equal(new MessageOutcome(MessageSettlement.DeadLetter, "event data has an NBF or EXP that is not a number"), second);
        Assert.Equal(0, host.Gets());
        Assert.DoesNotContain("do-not-echo", host.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHugeBodyIsDeadLetteredUnread()
    {
        await using var host = await ReceiverHost.StartAsync();
        var huge = $"[\"{new string('x', ServiceBusEventHandler.MaxBodySize)}\"]";

        var outcome = await host.Handler.HandleAsync(BusMessages.Of(huge), CancellationToken.None);
        var empty = await host.Handler.HandleAsync(BusMessages.Of(string.Empty), CancellationToken.None);

        Assert.Equal(new MessageOutcome(MessageSettlement.DeadLetter, "body too large"), outcome);
        Assert.Equal(new MessageOutcome(MessageSettlement.DeadLetter, "empty body"), empty);
        Assert.Equal(0, host.Gets());
    }

    [Fact]
    public async Task ACloudEventsContentTypeOnAnEventGridBodyIsPoison()
    {
        await using var host = await ReceiverHost.StartAsync();
        var body = WireEvents.EventGridEvent(BusMessages.NewVersion, WireEvents.KeyVaultData(host.VaultHost, "Db--Password", "v"));

        var outcome = await host.Handler.HandleAsync(BusMessages.Of(body, "application/cloudevents+json"), CancellationToken.None);

        Assert.Equal(MessageSettlement.DeadLetter, outcome.Settlement);
        Assert.Equal(0, host.Gets());
    }

    [Fact]
    public async Task EventsOfOtherTypesOrVaultsAreCompletedWithoutReading()
    {
        await using var host = await ReceiverHost.StartAsync();

        var otherVault = await host.Handler.HandleAsync(BusMessages.EventGrid("othervault.vault.azure.net", "Db--Password", "0123456789abcdef0123456789abcdef"), CancellationToken.None);
        var otherType = await host.Handler.HandleAsync(BusMessages.EventGrid(host.VaultHost, "a-key", "v1", type: "Microsoft.KeyVault.KeyNewVersionCreated"), CancellationToken.None);

        Assert.Equal(new MessageOutcome(MessageSettlement.Complete, null, 0), otherVault);
        Assert.Equal(new MessageOutcome(MessageSettlement.Complete, null, 0), otherType);
        Assert.Equal(0, host.Gets());
    }

    [Fact]
    public async Task AFailedRefreshIsAbandonedAndTheRedeliveryCompletes()
    {
        await using var host = await ReceiverHost.StartAsync();
        var version = host.Vault.SetSecret("Db--Password", "after-fault");
        host.Vault.InjectFault(new KeyVaultFault { PathPrefix = "/secrets/Db--Password", Method = "GET", StatusCode = 500 });

        var failed = await host.Handler.HandleAsync(BusMessages.EventGrid(host.VaultHost, "Db--Password", version, id: "retried"), CancellationToken.None);
        host.Vault.ClearFaults();
        var redelivered = await host.Handler.HandleAsync(BusMessages.EventGrid(host.VaultHost, "Db--Password", version, id: "retried"), CancellationToken.None);

        Assert.Equal(new MessageOutcome(MessageSettlement.Abandon, "refresh failed"), failed);
        Assert.Equal(MessageSettlement.Complete, redelivered.Settlement);
        Assert.Equal("after-fault", host.Configuration["Db:Password"]);
    }

    [Fact]
    public async Task ARefreshThatTimesOutIsAbandoned()
    {
        await using var host = await ReceiverHost.StartAsync(configure: o => o.RefreshTimeout = TimeSpan.FromMilliseconds(200));
        var version = host.Vault.SetSecret("Db--Password", "slow");
        host.Vault.InjectFault(new KeyVaultFault { PathPrefix = "/secrets/Db--Password", Method = "GET", Latency = TimeSpan.FromSeconds(2), Count = 1 });

        var outcome = await host.Handler.HandleAsync(BusMessages.EventGrid(host.VaultHost, "Db--Password", version), CancellationToken.None);

        Assert.Equal(new MessageOutcome(MessageSettlement.Abandon, "refresh timed out"), outcome);
    }

    [Fact]
    public async Task StoppingWhileRefreshingAbandons()
    {
        await using var host = await ReceiverHost.StartAsync();
        var version = host.Vault.SetSecret("Db--Password", "interrupted");
        host.Vault.InjectFault(new KeyVaultFault { PathPrefix = "/secrets/Db--Password", Method = "GET", Latency = TimeSpan.FromSeconds(2), Count = 1 });
        using var stopping = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var outcome = await host.Handler.HandleAsync(BusMessages.EventGrid(host.VaultHost, "Db--Password", version), stopping.Token);

        Assert.Equal(new MessageOutcome(MessageSettlement.Abandon, "stopping"), outcome);
    }
}
