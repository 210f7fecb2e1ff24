using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;

namespace SecretRotation.AspNetCore.Tests.ZeroDowntime;

public sealed class KestrelRotatingCertificateTests : IDisposable
{
    private readonly SettableConfiguration _values = new();
    private readonly List<X509Certificate2> _made = [];

    public void Dispose()
    {
        foreach (var certificate in _made)
        {
            certificate.Dispose();
        }
    }

    [Fact]
    public async Task NewHandshakesPresentTheNewCertificateWithoutARestart()
    {
        var first = Make("first");
        _values.Put(TlsTestServer.CertificateKey, TestCertificates.Pfx(first));
        await using var server = await TlsTestServer.StartAsync(builder => builder.Add(_values));
        Assert.Equal(first.Thumbprint, await server.HandshakeThumbprintAsync());

        // PFX and PEM alternate, as a vault whose certificate policy changed would.
        for (var i = 0; i < 5; i++)
        {
            var next = Make($"next-{i}");
            _values.Put(TlsTestServer.CertificateKey, i % 2 == 0 ? TestCertificates.Pem(next) : TestCertificates.Pfx(next));
            Assert.Equal(next.Thumbprint, await server.HandshakeThumbprintAsync());
        }
    }

    [Fact]
    public async Task AnEstablishedConnectionCarriesOnAfterItsCertificateIsReplacedAndDisposed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var old = Make("old");
        _values.Put(TlsTestServer.CertificateKey, TestCertificates.Pfx(old));
        await using var server = await TlsTestServer.StartAsync(builder => builder.Add(_values), options =>
        {
            options.TimeProvider = clock;
            options.DrainTimeout = TimeSpan.FromSeconds(10);
        });
        var handshakes = new List<string>();
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    lock (handshakes)
                    {
                        handshakes.Add(certificate!.GetCertHashString());
                    }

                    return TestCertificates.IsOurs(certificate);
                },
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = server.Address };
        Assert.Equal("ok", await client.GetStringAsync("/ping"));
        var oldInstance = server.Certificate.Current!;

        var replacement = Make("new");
        _values.Put(TlsTestServer.CertificateKey, TestCertificates.Pfx(replacement));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(IntPtr.Zero, oldInstance.Handle);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("ok", await client.GetStringAsync("/ping"));
        }

        Assert.Equal([old.Thumbprint], handshakes);
        Assert.Equal(replacement.Thumbprint, await server.HandshakeThumbprintAsync());
    }

    [Fact]
    public async Task AnUnusableValueKeepsServingTheLastGoodCertificate()
    {
        var good = Make("good");
        _values.Put(TlsTestServer.CertificateKey, TestCertificates.Pem(good));
        await using var server = await TlsTestServer.StartAsync(builder => builder.Add(_values));

        _values.Put(TlsTestServer.CertificateKey, TestCertificates.PfxWithoutKey(Make("keyless")));
        Assert.Equal(good.Thumbprint, await server.HandshakeThumbprintAsync());
        _values.Put(TlsTestServer.CertificateKey, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----");
        Assert.Equal(good.Thumbprint, await server.HandshakeThumbprintAsync());
    }

    [Fact]
    public async Task WithTheChainEachNewHandshakeSendsTheNewLeafAndItsIntermediate()
    {
        var (leaf, intermediate) = TestCertificates.CreateChained("chained-0");
        _made.AddRange([leaf, intermediate]);
        _values.Put(TlsTestServer.CertificateKey, TestCertificates.PfxWithChain(leaf, intermediate));
        await using var server = await TlsTestServer.StartAsync(builder => builder.Add(_values), withChain: true);
        var (presented, sent) = await server.HandshakeAsync();
        Assert.Equal(leaf.Thumbprint, presented);
        Assert.Contains(intermediate.Thumbprint, sent);

        for (var i = 1; i <= 3; i++)
        {
            var (nextLeaf, nextIntermediate) = TestCertificates.CreateChained($"chained-{i}");
            _made.AddRange([nextLeaf, nextIntermediate]);
            _values.Put(TlsTestServer.CertificateKey, i % 2 == 0
                ? TestCertificates.PfxWithChain(nextLeaf, nextIntermediate)
                : TestCertificates.PemWithChain(nextLeaf, nextIntermediate));
            (presented, sent) = await server.HandshakeAsync();
            Assert.Equal(nextLeaf.Thumbprint, presented);
            Assert.Contains(nextIntermediate.Thumbprint, sent);
            Assert.DoesNotContain(intermediate.Thumbprint, sent);
        }
    }

    [Fact]
    public async Task StartingWithoutAUsableCertificateFailsNamingTheKey()
    {
        _values.Put(TlsTestServer.CertificateKey, "not a certificate");
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => TlsTestServer.StartAsync(builder => builder.Add(_values)));
        Assert.Contains(TlsTestServer.CertificateKey, failure.Message, StringComparison.Ordinal);
    }

    private X509Certificate2 Make(string name)
    {
        var certificate = TestCertificates.Create(name);
        _made.Add(certificate);
        return certificate;
    }
}
