using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.AspNetCore.Certificates;
using SecretRotation.TestSupport;

namespace SecretRotation.AspNetCore.Tests.ZeroDowntime;

/// <summary>
/// An <c>IHttpClientFactory</c> client with <c>UseRotatingClientCertificate</c> against Kestrel on 127.0.0.1 that requires a
/// client certificate and answers with the thumbprint of the one presented.
/// </summary>
public sealed class MutualTlsClientCertificateTests : IAsyncLifetime
{
    private const string ClientKey = "Client:Certificate";

    private readonly SettableConfiguration _serverValues = new();
    private readonly SettableConfiguration _clientValues = new();
    private readonly List<X509Certificate2> _made = [];
    private TlsTestServer _server = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _serverValues.Put(TlsTestServer.CertificateKey, TestCertificates.Pfx(Make("server")));
        _server = await TlsTestServer.StartAsync(builder => builder.Add(_serverValues), requireClientCertificate: true);

        var configuration = new ConfigurationBuilder().Add(_clientValues).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddHttpClient("mtls", client => client.BaseAddress = _server.Address)
            .UseRotatingClientCertificate(ClientKey, handler =>
                handler.SslOptions.RemoteCertificateValidationCallback = static (_, certificate, _, _) => TestCertificates.IsOurs(certificate));
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
        foreach (var certificate in _made)
        {
            certificate.Dispose();
        }
    }

    [Fact]
    public async Task TheServerSeesTheNewClientCertificateOnTheNextRequestOfTheSameClient()
    {
        var first = Make("client-0");
        _clientValues.Put(ClientKey, TestCertificates.Pfx(first));
        var client = Factory.CreateClient("mtls");
        Assert.Equal(first.Thumbprint, await client.GetStringAsync("/whoami"));

        for (var i = 1; i <= 5; i++)
        {
            var next = Make($"client-{i}");
            _clientValues.Put(ClientKey, i % 2 == 0 ? TestCertificates.Pfx(next) : TestCertificates.Pem(next));
            Assert.Equal(next.Thumbprint, await client.GetStringAsync("/whoami"));

            // A client the factory hands out later uses it too.
            Assert.Equal(next.Thumbprint, await Factory.CreateClient("mtls").GetStringAsync("/whoami"));
        }
    }

    [Fact]
    public async Task ARequestInFlightOnTheOldCertificateFinishesWhileNewRequestsUseTheNewOne()
    {
        var old = Make("old");
        _clientValues.Put(ClientKey, TestCertificates.Pfx(old));
        var client = Factory.CreateClient("mtls");
        var slow = client.GetStringAsync("/slow");
        await _server.SlowArrived.WithTimeout("the slow request to reach the server");

        var replacement = Make("new");
        _clientValues.Put(ClientKey, TestCertificates.Pfx(replacement));
        Assert.Equal(replacement.Thumbprint, await client.GetStringAsync("/whoami"));

        _server.ReleaseSlow();
        Assert.Equal(old.Thumbprint, await slow.WithTimeout("the slow request to finish"));
    }

    [Fact]
    public async Task AnUnusableClientCertificateValueKeepsTheLastGoodOne()
    {
        var good = Make("good");
        _clientValues.Put(ClientKey, TestCertificates.Pem(good));
        var client = Factory.CreateClient("mtls");
        Assert.Equal(good.Thumbprint, await client.GetStringAsync("/whoami"));

        var now = DateTimeOffset.UtcNow;
        _clientValues.Put(ClientKey, TestCertificates.Pfx(Make("expired", now.AddDays(-3), now.AddDays(-2))));
        Assert.Equal(good.Thumbprint, await client.GetStringAsync("/whoami"));
    }

    [Fact]
    public async Task TheReplacedHandlerIsDisposedWhenItsLastRequestFinishes()
    {
        var old = Make("a");
        _clientValues.Put(ClientKey, TestCertificates.Pfx(old));
        using var handler = NewHandler(TimeProvider.System, NullLogger.Instance);
        using var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = _server.Address };
        var slow = client.GetStringAsync("/slow");
        await _server.SlowArrived.WithTimeout("the slow request to reach the server");

        var replacement = Make("b");
        _clientValues.Put(ClientKey, TestCertificates.Pfx(replacement));
        Assert.Equal(replacement.Thumbprint, await client.GetStringAsync("/whoami"));
        Assert.Equal(2, handler.HandlerGeneration);
        Assert.Equal(1, handler.DrainingCount);

        _server.ReleaseSlow();
        Assert.Equal(old.Thumbprint, await slow.WithTimeout("the slow request to finish"));
        Assert.Equal(0, handler.DrainingCount);
    }

    [Fact]
    public async Task AReplacedHandlerWhoseRequestOutlivesTheDrainTimeoutIsDisposedAnywayAndLogged()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = logs.CreateFactory();
        var old = Make("a");
        _clientValues.Put(ClientKey, TestCertificates.Pfx(old));
        using var handler = NewHandler(clock, loggerFactory.CreateLogger("test"));
        using var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = _server.Address };
        var slow = client.GetStringAsync("/slow");
        await _server.SlowArrived.WithTimeout("the slow request to reach the server");

        _clientValues.Put(ClientKey, TestCertificates.Pfx(Make("b")));
        await client.GetStringAsync("/whoami");
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(1, handler.DrainingCount);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(0, handler.DrainingCount);
        Assert.Single(logs.Entries, entry => entry.EventId.Id == 364);

        // SocketsHttpHandler's Dispose closes idle connections only: the request already on the wire still completes.
        _server.ReleaseSlow();
        Assert.Equal(old.Thumbprint, await slow.WithTimeout("the request on the disposed handler to finish"));
    }

    private RotatingClientCertificateHandler NewHandler(TimeProvider clock, ILogger logger) => new(
        _services.GetRequiredKeyedService<RotatingCertificate>(ClientKey),
        static handler => handler.SslOptions.RemoteCertificateValidationCallback = static (_, certificate, _, _) => TestCertificates.IsOurs(certificate),
        TimeSpan.FromSeconds(30),
        clock,
        logger);

    private IHttpClientFactory Factory => _services.GetRequiredService<IHttpClientFactory>();

    private X509Certificate2 Make(string name, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var certificate = TestCertificates.Create(name, notBefore, notAfter);
        _made.Add(certificate);
        return certificate;
    }
}
