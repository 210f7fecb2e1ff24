using System.Diagnostics.Metrics;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecretRotation.TestSupport;

namespace SecretRotation.AspNetCore.Tests.ZeroDowntime;

/// <summary>
/// The canary for the certificate APIs: every path that logs, throws or measures (loads, rotations, malformed, keyless,
/// expired, password-protected values, a server that cannot start, a client swap) and no PFX, PEM, private key or
/// password appears in any of it, nor in <c>ToString()</c>.
/// </summary>
public sealed class CertificateValuesNeverLeakTests
{
    [Fact]
    public async Task NoCertificateValuePrivateKeyOrPasswordAppearsInLogsExceptionsMetricsOrToString()
    {
        var logs = new CapturingLoggerProvider();
        var observed = new StringBuilder();
        using var meters = ListenToMetrics(observed);
        var canaries = new List<string>();
        var exceptions = new List<Exception>();
        var made = new List<X509Certificate2>();
        X509Certificate2 Make(string name, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
        {
            var certificate = TestCertificates.Create(name, notBefore, notAfter);
            made.Add(certificate);
            canaries.Add(TestCertificates.PrivateKeyBase64(certificate)[^40..]);
            return certificate;
        }

        string Value(string value)
        {
            canaries.Add(value.Length > 60 ? value.Substring(value.Length / 2, 40) : value);
            return value;
        }

        var serverValues = new SettableConfiguration();
        serverValues.Put(TlsTestServer.CertificateKey, Value(TestCertificates.Pfx(Make("leak-server"), "leak-canary-pfx-password")));
        serverValues.Put("Tls:Password", Value("leak-canary-pfx-password"));
        await using (var server = await TlsTestServer.StartAsync(builder => builder.Add(serverValues), options => options.PasswordKey = "Tls:Password", logs: logs))
        {
            var now = DateTimeOffset.UtcNow;
            serverValues.Put(TlsTestServer.CertificateKey, Value(TestCertificates.Pfx(Make("leak-protected"), "leak-canary-pfx-password")));
            serverValues.Put(TlsTestServer.CertificateKey, Value(TestCertificates.Pem(Make("leak-pem"))));
            serverValues.Put(TlsTestServer.CertificateKey, Value(TestCertificates.PfxWithoutKey(Make("leak-keyless"))));
            serverValues.Put(TlsTestServer.CertificateKey, Value(TestCertificates.Pfx(Make("leak-expired", now.AddDays(-2), now.AddDays(-1)))));
            serverValues.Put(TlsTestServer.CertificateKey, Value(TestCertificates.Pfx(Make("leak-wrong-password"), "another-password-leak-canary")));
            serverValues.Put(TlsTestServer.CertificateKey, Value("leak-canary-garbage-value"));
            serverValues.Put(TlsTestServer.CertificateKey, Value("-----BEGIN PRIVATE KEY-----\nbGVhay1jYW5hcnktcGVtLWtleQ==\n-----END PRIVATE KEY-----\n"));
            await server.HandshakeThumbprintAsync();
            observed.AppendLine(server.Certificate.ToString()).AppendLine(server.Certificate.Current!.ToString(verbose: false));
        }

        var broken = new SettableConfiguration();
        broken.Put(TlsTestServer.CertificateKey, Value("leak-canary-unusable-at-start"));
        exceptions.Add(await Assert.ThrowsAsync<InvalidOperationException>(() => TlsTestServer.StartAsync(builder => builder.Add(broken), logs: logs)));

        var clientValues = new SettableConfiguration();
        clientValues.Put("Client:Certificate", Value(TestCertificates.Pem(Make("leak-client"))));
        var services = new ServiceCollection();
        services.AddLogging(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Add(clientValues).Build());
        services.AddHttpClient("leak").UseRotatingClientCertificate("Client:Certificate");
        await using (var provider = services.BuildServiceProvider())
        {
            var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("leak");
            clientValues.Put("Client:Certificate", Value(TestCertificates.Pfx(Make("leak-client-2"))));
            clientValues.Put("Client:Certificate", Value("leak-canary-client-garbage"));
            exceptions.Add(await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync(new Uri("https://127.0.0.1:1/"))));
        }

        foreach (var certificate in made)
        {
            certificate.Dispose();
        }

        Assert.Contains(logs.Entries, entry => entry.EventId.Id == 361);
        Assert.Contains(logs.Entries, entry => entry.EventId.Id == 362);
        Assert.Contains(logs.Entries, entry => entry.EventId.Id == 363);
        var everything = string.Join('\n', logs.AllText(), string.Join('\n', exceptions.Select(e => e.ToString())), observed.ToString());
        Assert.Contains("secretrotation.certificate.rejections", everything, StringComparison.Ordinal);
        foreach (var canary in canaries)
        {
            Assert.DoesNotContain(canary, everything, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("leak-canary", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", everything, StringComparison.Ordinal);
    }

    private static MeterListener ListenToMetrics(StringBuilder observed)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SecretRotationDiagnostics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (observed)
            {
                observed.Append(instrument.Name).Append(' ').Append(value);
                foreach (var tag in tags)
                {
                    observed.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
                }

                observed.AppendLine();
            }
        });
        listener.Start();
        return listener;
    }
}
