using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SecretRotation.Testing.Tests;

/// <summary>
/// A Kestrel webhook on <c>http://127.0.0.1:{port}</c> that records every request as it arrived and answers like a compliant receiver:
/// echoes the validation code, consents to the CloudEvents origin at any rate, and accepts every delivery.
/// </summary>
internal sealed class LoopbackWebhook : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly WebApplication _app;

    private LoopbackWebhook()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    public Uri Address { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<LoopbackWebhook> StartAsync(CancellationToken cancellationToken)
    {
        var webhook = new LoopbackWebhook();
        await webhook._app.StartAsync(cancellationToken);
        var address = webhook._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        webhook.Address = new Uri(address);
        return webhook;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var headers = request.Headers.ToDictionary(header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var recorded = new RecordedRequest(request.Method, new Uri(request.GetEncodedUrl()), headers, body);
        lock (_gate)
        {
            _requests.Add(recorded);
        }

        if (HttpMethods.IsOptions(request.Method))
        {
            context.Response.Headers["WebHook-Allowed-Origin"] = request.Headers["WebHook-Request-Origin"].ToString();
            context.Response.Headers["WebHook-Allowed-Rate"] = "*";
            context.Response.Headers.Allow = "POST";
            return;
        }

        if (recorded.IsValidation)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"validationResponse":"{{recorded.ValidationCode}}"}""", context.RequestAborted);
        }
    }
}
