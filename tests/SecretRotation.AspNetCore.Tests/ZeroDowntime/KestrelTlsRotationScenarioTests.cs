using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.AspNetCore.Tests.ZeroDowntime;

/// <summary>
/// The issue's Kestrel TLS scenario on real parts: Kestrel on 127.0.0.1 serving the certificate of a Key Vault certificate
/// secret, read by <c>AddAzureKeyVaultSecrets</c> through the real <c>SecretClient</c> from the Key Vault emulator, while 8
/// workers hammer <c>/ping</c> (every 4th request closes its connection, so handshakes keep happening) and the certificate
/// rotates 100 times, each noticed as push does it (a targeted refresh for the new version).
/// </summary>
public sealed class KestrelTlsRotationScenarioTests
{
    private const string SecretName = "Tls--Certificate";
    private const int Rotations = 100;
    private const int Workers = 8;
    private const int MaxRequestsPerWorker = 200_000;

    [Theory]
    [InlineData(false)] // HttpsConnectionAdapterOptions.UseRotatingCertificate (ServerCertificateSelector)
    [InlineData(true)] // ListenOptions.UseHttpsWithRotatingCertificate (TLS handshake callback, chain sent)
    public async Task ACertificateRotatedAHundredTimesUnderLoadFailsNoRequestAndEachNewHandshakePresentsTheNewOne(bool withChain)
    {
        var made = new List<X509Certificate2>();
        await using var vault = await KeyVaultEmulator.StartAsync();
        var initial = TestCertificates.Create("rotation-0");
        made.Add(initial);
        vault.SetSecret(SecretName, TestCertificates.Pfx(initial), "application/x-pkcs12");

        await using var server = await TlsTestServer.StartAsync(builder => builder.AddAzureKeyVaultSecrets(vault.CreateClient(), source =>
        {
            source.SecretNames = [SecretName];
            source.PollInterval = null;
            source.MinimumRefreshInterval = TimeSpan.Zero;
        }), withChain: withChain);
        var refresher = ((IConfiguration)server.App.Configuration).GetSecretRefreshers().Single();
        Assert.Equal(initial.Thumbprint, await server.HandshakeThumbprintAsync());

        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var load = Enumerable.Range(0, Workers).Select(_ => Task.Run(() => HammerAsync(server.Address, stop.Token))).ToArray();
        var rotationTimer = Stopwatch.StartNew();
        var mismatches = new List<string>();
        try
        {
            for (var rotation = 1; rotation <= Rotations; rotation++)
            {
                var next = TestCertificates.Create($"rotation-{rotation}");
                made.Add(next);
                var pem = rotation % 2 == 0;
                var version = vault.SetSecret(SecretName, pem ? TestCertificates.Pem(next) : TestCertificates.Pfx(next),
                    pem ? "application/x-pem-file" : "application/x-pkcs12");
                Assert.True(await refresher.RefreshAsync(
                    new SecretChangeNotice(SecretStoreKinds.AzureKeyVault, vault.VaultUri.Authority, SecretName, version)).WithTimeout("the targeted refresh"));

                Assert.Equal(rotation + 1, server.Certificate.Generation);
                var presented = await server.HandshakeThumbprintAsync().WithTimeout("a probe handshake");
                if (presented != next.Thumbprint)
                {
                    mismatches.Add($"rotation {rotation}: presented {presented}, expected {next.Thumbprint}");
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
        }

        var results = await Task.WhenAll(load).WithTimeout("the workers to stop");
        rotationTimer.Stop();
        foreach (var certificate in made)
        {
            certificate.Dispose();
        }

        var requests = results.Sum(static r => r.Requests);
        var failures = results.SelectMany(static r => r.Failures).ToArray();
        var handshakes = results.Sum(static r => r.Handshakes);
        Assert.Empty(mismatches);
        Assert.True(failures.Length == 0, $"{failures.Length} of {requests} requests failed, first: {failures.FirstOrDefault()}");
        Assert.True(requests >= Workers, $"only {requests} requests were sent");
        Assert.True(handshakes > Workers, $"only {handshakes} handshakes: the load did not open new connections");
        Assert.True(results.Sum(static r => r.DistinctCertificates) > Workers, "the workers never saw a rotated certificate");
    }

    private static async Task<WorkerResult> HammerAsync(Uri address, CancellationToken stop)
    {
        var result = new WorkerResult();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    lock (seen)
                    {
                        result.Handshakes++;
                        seen.Add(certificate?.GetCertHashString() ?? "");
                    }

                    return TestCertificates.IsOurs(certificate);
                },
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        for (var i = 0; i < MaxRequestsPerWorker && !stop.IsCancellationRequested; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/ping");
            request.Headers.ConnectionClose = i % 4 == 3;
            try
            {
                using var response = await client.SendAsync(request, CancellationToken.None);
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if (!response.IsSuccessStatusCode || body != "ok")
                {
                    result.Failures.Add($"{(int)response.StatusCode} {body}");
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
            {
                // The inner exceptions say why a handshake failed (a TLS alert, a reset, an EOF); the outer one never does.
                var reasons = new List<string>();
                for (Exception? e = exception; e is not null && reasons.Count < 4; e = e.InnerException)
                {
                    reasons.Add(e.GetType().Name + ": " + e.Message);
                }

                result.Failures.Add($"{string.Join(" <- ", reasons)} (request {i} of this worker, Connection: close {request.Headers.ConnectionClose})");
            }

            result.Requests++;
        }

        lock (seen)
        {
            result.DistinctCertificates = seen.Count;
        }

        return result;
    }

    private sealed class WorkerResult
    {
        public int Requests { get; set; }

        public int Handshakes { get; set; }

        public int DistinctCertificates { get; set; }

        public List<string> Failures { get; } = [];
    }
}
