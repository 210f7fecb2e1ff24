using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SecretRotation.AspNetCore.Tests.ZeroDowntime;

/// <summary>
/// Kestrel on <c>https://127.0.0.1:0</c> serving the <see cref="RotatingCertificate"/> at <see cref="CertificateKey"/> of
/// the configuration the test adds. <c>/ping</c> answers <c>ok</c>; <c>/whoami</c> the client certificate's thumbprint (or
/// <c>none</c>); <c>/slow</c> the same once <see cref="ReleaseSlow"/> is called, after signalling <see cref="SlowArrived"/>.
/// </summary>
internal sealed class TlsTestServer : IAsyncDisposable
{
    public const string CertificateKey = "Tls:Certificate";

    private readonly TaskCompletionSource _slowGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _slowArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TlsTestServer(WebApplication app) => App = app;

    public WebApplication App { get; private set; }

    public Uri Address { get; private set; } = null!;

    public RotatingCertificate Certificate => App.Services.GetRequiredKeyedService<RotatingCertificate>(CertificateKey);

    public Task SlowArrived => _slowArrived.Task;

    public void ReleaseSlow() => _slowGate.TrySetResult();

    public static async Task<TlsTestServer> StartAsync(
        Action<IConfigurationBuilder> configure,
        Action<RotatingCertificateOptions>? options = null,
        bool requireClientCertificate = false,
        ILoggerProvider? logs = null,
        bool withChain = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        }

        configure(builder.Configuration);
        builder.Services.AddRotatingCertificate(CertificateKey, options);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (withChain)
            {
                listen.UseHttpsWithRotatingCertificate(CertificateKey);
                return;
            }

            listen.UseHttps(https =>
            {
                https.UseRotatingCertificate(kestrel.ApplicationServices, CertificateKey);
                if (requireClientCertificate)
                {
                    https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                    https.AllowAnyClientCertificate();
                }
            });
        }));
        var app = builder.Build();
        var server = new TlsTestServer(app);
        app.MapGet("/ping", () => "ok");
        app.MapGet("/whoami", (HttpContext context) => context.Connection.ClientCertificate?.Thumbprint ?? "none");
        app.MapGet("/slow", async (HttpContext context) =>
        {
            server._slowArrived.TrySetResult();
            await server._slowGate.Task.WaitAsync(TimeSpan.FromSeconds(60), context.RequestAborted);
            return context.Connection.ClientCertificate?.Thumbprint ?? "none";
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        server.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    /// <summary>A fresh TCP connection and TLS handshake: the thumbprint of the certificate the server presented.</summary>
    public async Task<string> HandshakeThumbprintAsync(CancellationToken cancellationToken = default) =>
        (await HandshakeAsync(cancellationToken)).Leaf;

    /// <summary>A fresh handshake: the presented certificate's thumbprint and those of the other certificates the server sent.</summary>
    public async Task<(string Leaf, string[] Sent)> HandshakeAsync(CancellationToken cancellationToken = default)
    {
        var sent = Array.Empty<string>();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Address.Port, cancellationToken);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            {
                sent = chain!.ChainPolicy.ExtraStore.Select(static c => c.Thumbprint).ToArray();
                return TestCertificates.IsOurs(certificate);
            },
        }, cancellationToken);
        return (tls.RemoteCertificate!.GetCertHashString(), sent);
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseSlow();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
