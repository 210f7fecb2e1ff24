using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;

namespace SecretRotation.HashiCorpVault.Tests.Hardening;

/// <summary>
/// A small Kestrel server on one loopback address (127.0.0.1, 127.0.0.2...) that records every request it receives and
/// answers with a scripted handler; optionally over TLS with a server certificate and its chain.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private WebApplication? _app;

    private LoopbackServer()
    {
    }

    public Uri Address { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>Starts on <paramref name="address"/> (port chosen by the system); <paramref name="respond"/> answers each request.</summary>
    public static async Task<LoopbackServer> StartAsync(
        IPAddress address,
        Func<HttpContext, RecordedRequest, Task> respond,
        X509Certificate2? certificate = null,
        X509Certificate2Collection? chain = null)
    {
        var server = new LoopbackServer();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, 0, listen =>
            {
                if (certificate is not null)
                {
                    // The callback form serves any certificate as given (Kestrel's own options refuse a leaf without
                    // server-authentication usage, which a test needs to present), with its chain.
                    var context = SslStreamCertificateContext.Create(certificate, chain, offline: true);
                    listen.UseHttps(new TlsHandshakeCallbackOptions
                    {
                        OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions { ServerCertificateContext = context }),
                    });
                }
            });
        });
        var app = builder.Build();
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var recorded = new RecordedRequest(
                context.Request.Method,
                context.Request.Path.Value + context.Request.QueryString.Value,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body);
            server._requests.Enqueue(recorded);
            await respond(context, recorded);
        });
        await app.StartAsync();
        server._app = app;
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        server.Address = new Uri($"{(certificate is null ? "http" : "https")}://{address}:{bound.Port}/");
        return server;
    }

    /// <summary>Answers with <paramref name="status"/> and a JSON body.</summary>
    public static async Task JsonAsync(HttpContext context, string json, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
