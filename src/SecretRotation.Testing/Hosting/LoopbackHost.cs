using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SecretRotation.Testing;

/// <summary>
/// The plumbing the emulators share: Kestrel on <c>127.0.0.1</c> (plain HTTP, or HTTPS with a certificate made at start-up), a port
/// no earlier emulator in this process used, a handler that trusts exactly that certificate, and the latency added to every request.
/// </summary>
/// <remarks>
/// Ports stay unique per process so that state a client keeps per <c>host:port</c> (the Key Vault SDK's challenge cache, pooled
/// connections) never carries over from one emulator to the next.
/// </remarks>
internal sealed class LoopbackHost : IAsyncDisposable
{
    private const int MaxBindAttempts = 20;

    private static readonly ConcurrentDictionary<int, byte> s_usedPorts = new();

    private readonly X509Certificate2? _serverCertificate;
    private readonly byte[]? _certificateHash;
    private long _latencyTicks;
    private WebApplication? _app;
    private int _disposed;

    /// <summary>Makes the host (and its certificate in HTTPS mode); <see cref="StartAsync"/> starts it.</summary>
    /// <param name="useHttps">HTTPS with a self-signed certificate made now, or plain HTTP.</param>
    /// <param name="latency">The initial <see cref="Latency"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="latency"/> is negative.</exception>
    public LoopbackHost(bool useHttps, TimeSpan latency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        _latencyTicks = latency.Ticks;
        if (useHttps)
        {
            _serverCertificate = EmulatorCertificate.Create();
            Certificate = X509CertificateLoader.LoadCertificate(_serverCertificate.RawData);
            _certificateHash = _serverCertificate.GetCertHash(HashAlgorithmName.SHA256);
        }
    }

    /// <summary><c>http://127.0.0.1:{port}/</c> or <c>https://127.0.0.1:{port}/</c>, once started.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The TLS certificate (public part only) in HTTPS mode, or <see langword="null"/> for plain HTTP.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>Whether <see cref="DisposeAsync"/> has been called.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Delay added to every request before it is answered (real time).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _latencyTicks, value.Ticks);
        }
    }

    /// <summary>Starts Kestrel on a loopback port that no earlier host in this process had, and serves every request with <paramref name="handler"/>.</summary>
    /// <param name="handler">Answers each request.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="InvalidOperationException">No unused port was found in 20 attempts.</exception>
    public async Task StartAsync(RequestDelegate handler, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxBindAttempts; attempt++)
        {
            var app = BuildApplication(handler);
            try
            {
                await app.StartAsync(cancellationToken);
                var port = ReadPort(app);
                if (s_usedPorts.TryAdd(port, 0))
                {
                    _app = app;
                    Address = new Uri($"{(_serverCertificate is null ? "http" : "https")}://127.0.0.1:{port}/");
                    return;
                }
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }

            // An earlier emulator in this process had this port: a client may still hold state for it. Try another one.
            await app.StopAsync(cancellationToken);
            await app.DisposeAsync();
        }

        throw new InvalidOperationException($"Could not find an unused loopback port in {MaxBindAttempts} attempts.");
    }

    /// <summary>Starts the host for its owner; on failure disposes the owner (which disposes the host) and rethrows.</summary>
    /// <typeparam name="TOwner">The emulator.</typeparam>
    /// <param name="owner">The emulator that owns this host.</param>
    /// <param name="handler">Answers each request.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns><paramref name="owner"/>, running.</returns>
    public async Task<TOwner> StartOwnedAsync<TOwner>(TOwner owner, RequestDelegate handler, CancellationToken cancellationToken)
        where TOwner : IAsyncDisposable
    {
        try
        {
            await StartAsync(handler, cancellationToken);
            return owner;
        }
        catch
        {
            await owner.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A new handler for clients built by hand. In HTTPS mode its TLS validation accepts exactly <see cref="Certificate"/>; in HTTP
    /// mode it is a plain handler. The caller owns it.
    /// </summary>
    public HttpMessageHandler CreateTrustingHandler()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var handler = new SocketsHttpHandler();
        if (_certificateHash is byte[] expectedHash)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && certificate.GetCertHash(HashAlgorithmName.SHA256).AsSpan().SequenceEqual(expectedHash),
            };
        }

        return handler;
    }

    /// <summary>Waits at least <paramref name="delay"/> by the monotonic clock: timers may fire a fraction of a millisecond early.</summary>
    public static async Task DelayAtLeastAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var start = TimeProvider.System.GetTimestamp();
        var remaining = delay;
        while (remaining > TimeSpan.Zero)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(remaining.TotalMilliseconds)), TimeProvider.System, cancellationToken);
            remaining = delay - TimeProvider.System.GetElapsedTime(start);
        }
    }

    /// <summary>Stops the server and disposes the certificate.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _serverCertificate?.Dispose();
        Certificate?.Dispose();
    }

    private static int ReadPort(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("Kestrel did not report its address.");
        return new Uri(addresses.Single()).Port;
    }

    private WebApplication BuildApplication(RequestDelegate handler)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LoopbackHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (_serverCertificate is not null)
                {
                    listen.UseHttps(_serverCertificate);
                }
            });
        });
        var app = builder.Build();
        app.Run(handler);
        return app;
    }
}
