using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecretRotation.Testing;

namespace SecretRotation.Benchmarks.Harness.TlsRotation;

/// <summary>
/// Kestrel on <c>https://127.0.0.1</c> answering <c>GET /ping</c> with the certificate of the Key Vault certificate secret
/// <see cref="SecretName"/>, read by <c>AddAzureKeyVaultSecrets</c> (real <c>SecretClient</c>, the emulator) through
/// <see cref="RotatingCertificate"/>. Rotating: each new handshake presents the current
/// certificate (<c>UseHttpsWithRotatingCertificate</c>, the chain-sending path). Not rotating (the restart strategy): the certificate read at start is Kestrel's fixed <c>ServerCertificate</c>.
/// </summary>
internal sealed class TlsHost : IAsyncDisposable
{
    public const string SecretName = "Tls--Certificate";
    private const string Key = "Tls:Certificate";

    private readonly KeyVaultEmulator _vault;

    private TlsHost(WebApplication app, KeyVaultEmulator vault, Uri address)
    {
        App = app;
        _vault = vault;
        Address = address;
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public RotatingCertificate Certificate => App.Services.GetRequiredKeyedService<RotatingCertificate>(Key);

    public static async Task<TlsHost> StartAsync(KeyVaultEmulator vault, int port, bool rotating)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddAzureKeyVaultSecrets(vault.CreateClient(), source =>
        {
            source.SecretNames = [SecretName];
            source.PollInterval = null;
            source.MinimumRefreshInterval = TimeSpan.Zero;
        });
        builder.Services.AddRotatingCertificate(Key);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
        {
            if (rotating)
            {
                listen.UseHttpsWithRotatingCertificate(Key);
            }
            else
            {
                listen.UseHttps(kestrel.ApplicationServices.GetRequiredKeyedService<RotatingCertificate>(Key).Current!);
            }
        }));
        var app = builder.Build();
        app.MapGet("/ping", () => "ok");
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new TlsHost(app, vault, address);
    }

    /// <summary>What push does after Key Vault announced <paramref name="version"/>: a targeted refresh of the secret.</summary>
    public Task<bool> NoticeAsync(string version) =>
        ((IConfiguration)App.Configuration).GetSecretRefreshers().Single().RefreshAsync(
            new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, _vault.VaultUri.Authority, SecretName, version));

    /// <summary>A new connection and handshake to <paramref name="port"/>: the presented certificate's thumbprint.</summary>
    public static async Task<string> HandshakeThumbprintAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = static (_, certificate, _, _) => TlsCertificates.IsOurs(certificate),
        });
        return tls.RemoteCertificate!.GetCertHashString();
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
