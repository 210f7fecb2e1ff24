using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SecretRotation.AspNetCore.Tests.Parsing;

/// <summary>The public <see cref="EventGridWebhook"/>: the endpoint's hardening, with the notices handed to a handler of the user's.</summary>
public sealed class EventGridWebhookTests
{
    private const string Key = "webhook-key-0123456789";
    private const string NewVersion = "Microsoft.KeyVault.SecretNewVersionCreated";

    [Fact]
    public async Task TheHandlerGetsTheNoticesOfAKeyedDeliveryAndItsAnswerDecidesTheStatus()
    {
        var answer = true;
        var received = new List<IReadOnlyList<SecretChangeNotice>>();
        await using var app = await StartAsync((notices, _) =>
        {
            received.Add(notices);
            return Task.FromResult(answer);
        });
        using var client = Client(app);
        var body = WireEvents.EventGridArray(
            WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData("myvault.vault.azure.net", "Db--Password", "v1")),
            WireEvents.EventGridEvent("Microsoft.Storage.BlobCreated", new JsonObject()));

        var handled = await client.PostAsync($"/hook?code={Key}", body);
        answer = false;
        var failed = await client.PostAsync($"/hook?code={Key}", WireEvents.EventGridArray(
            WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData("myvault.vault.azure.net", "Db--Password", "v2"))));

        Assert.Equal(HttpStatusCode.OK, handled.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.NotNull(failed.Headers.RetryAfter);
        Assert.Equal(
            [[new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, "myvault.vault.azure.net", "Db--Password", "v1")], [new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, "myvault.vault.azure.net", "Db--Password", "v2")]],
            received);
    }

    [Fact]
    public async Task RefusedDeliveriesNeverReachTheHandler()
    {
        var calls = 0;
        await using var app = await StartAsync((_, _) =>
        {
            Interlocked.Increment(ref calls);
            return Task.FromResult(true);
        });
        using var client = Client(app);
        JsonObject Event(string name) => WireEvents.EventGridEvent(NewVersion, WireEvents.KeyVaultData("myvault.vault.azure.net", name, "v1"));

        var noKey = await client.PostAsync("/hook", WireEvents.EventGridArray(Event("db")));
        var wrongKey = await client.PostAsync("/hook?code=wrong-key-0123456789", WireEvents.EventGridArray(Event("db")));
        var forged = await client.PostAsync($"/hook?code={Key}", WireEvents.EventGridArray(Event("db"), Event("team-b--x"), Event("..-x")));
        var pathName = await client.PostAsync($"/hook?code={Key}", WireEvents.EventGridArray(Event("../team-b/db")));
        var tooLarge = await client.PostAsync($"/hook?code={Key}", WireEvents.Json($"[\"{new string('x', 1024 * 1024)}\"]"));
        var otherTypes = await client.PostAsync($"/hook?code={Key}", WireEvents.EventGridArray(WireEvents.EventGridEvent("Microsoft.Storage.BlobCreated", new JsonObject())));
        var get = await client.GetAsync($"/hook?code={Key}");

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, pathName.StatusCode);
        Assert.DoesNotContain("team-b", await pathName.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherTypes.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal(0, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task BothHandshakesAreAnswered()
    {
        var calls = 0;
        await using var app = await StartAsync((_, _) =>
        {
            Interlocked.Increment(ref calls);
            return Task.FromResult(true);
        });
        using var client = Client(app);

        var validation = await client.PostAsync($"/hook?code={Key}", WireEvents.EventGridArray(
            WireEvents.EventGridEvent("Microsoft.EventGrid.SubscriptionValidationEvent", new JsonObject { ["validationCode"] = "512d38b6-c7b8-40c8-89fe-f46f9e9622b6" })));
        using var options = new HttpRequestMessage(HttpMethod.Options, $"/hook?code={Key}");
        options.Headers.Add("WebHook-Request-Origin", "eventgrid.azure.net");
        var handshake = await client.SendAsync(options);

        Assert.Equal(HttpStatusCode.OK, validation.StatusCode);
        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", JsonNode.Parse(await validation.Content.ReadAsStringAsync())!["validationResponse"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, handshake.StatusCode);
        Assert.Equal("eventgrid.azure.net", handshake.Headers.GetValues("WebHook-Allowed-Origin").Single());
        Assert.Equal(0, Volatile.Read(ref calls));
    }

    [Fact]
    public void AWebhookWithoutKeysMustBeAllowedAnonymousCallersExplicitly()
    {
        Assert.Throws<ArgumentException>(() => new EventGridWebhook(new SecretRotationEventsOptions()));
        Assert.Throws<ArgumentException>(() => new EventGridWebhook(new SecretRotationEventsOptions { AccessKeys = { "" } }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventGridWebhook(new SecretRotationEventsOptions { AccessKeys = { Key }, MaxBodySize = 0 }));
        _ = new EventGridWebhook(new SecretRotationEventsOptions { AllowAnonymous = true });
    }

    private static async Task<WebApplication> StartAsync(Func<IReadOnlyList<SecretChangeNotice>, CancellationToken, Task<bool>> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var webhook = new EventGridWebhook(new SecretRotationEventsOptions { AccessKeys = { Key } });
        app.MapMethods("/hook", [HttpMethods.Post, HttpMethods.Options, HttpMethods.Get], (HttpContext context) => webhook.HandleAsync(context, handler));
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(WebApplication app) =>
        new() { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
}
