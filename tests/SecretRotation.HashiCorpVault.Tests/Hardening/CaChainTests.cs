using System.Net;
using System.Security.Cryptography.X509Certificates;
using SecretRotation.TestSupport;

namespace SecretRotation.HashiCorpVault.Tests.Hardening;

/// <summary>
/// <c>CaCertificateFile</c> with a private PKI: the server presents its leaf and an intermediate; the client trusts only the
/// root in the file, and requires server-authentication usage and a matching host name.
/// </summary>
public sealed class CaChainTests : IDisposable
{
    private readonly TemporaryDirectory _files = new();
    private readonly X509Certificate2 _root = TestCertificates.CreateRoot("Test Root CA");
    private readonly X509Certificate2 _intermediate;

    public CaChainTests()
    {
        _intermediate = TestCertificates.CreateIntermediate(_root, "Test Intermediate CA");
    }

    [Fact]
    public async Task ACaFileWithTheRootTrustsALeafIssuedByAnIntermediate()
    {
        using var leaf = TestCertificates.CreateLeaf(_intermediate, [TestCertificates.ServerAuthentication]);

        using var source = await ConnectAsync(leaf, _intermediate, _root);

        Assert.Equal("tls-pass", source.Configuration["App:password"]);
    }

    [Fact]
    public async Task ALeafWithoutServerAuthenticationUsageIsRejected()
    {
        using var leaf = TestCertificates.CreateLeaf(_intermediate, [TestCertificates.ClientAuthentication]);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(leaf, _intermediate, _root));

        Assert.Contains("NotValidForUsage", ScriptedSource.Messages(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALeafUnderAnotherRootIsRejected()
    {
        using var otherRoot = TestCertificates.CreateRoot("Other Root CA");
        using var otherIntermediate = TestCertificates.CreateIntermediate(otherRoot, "Test Intermediate CA");
        using var leaf = TestCertificates.CreateLeaf(otherIntermediate, [TestCertificates.ServerAuthentication]);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(leaf, otherIntermediate, _root));

        Assert.Contains("remote certificate", ScriptedSource.Messages(error), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AHostNameMismatchIsStillRejected()
    {
        using var leaf = TestCertificates.CreateLeaf(_intermediate, [TestCertificates.ServerAuthentication], dnsName: "vault.example");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(leaf, _intermediate, _root));

        Assert.Contains("RemoteCertificateNameMismatch", ScriptedSource.Messages(error), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _intermediate.Dispose();
        _root.Dispose();
        _files.Dispose();
    }

    /// <summary>Serves a KV v1 secret over TLS with <paramref name="leaf"/> and <paramref name="intermediate"/>; the client trusts the file with <paramref name="trustedRoot"/>.</summary>
    private async Task<ScriptedSource> ConnectAsync(X509Certificate2 leaf, X509Certificate2 intermediate, X509Certificate2 trustedRoot)
    {
        await using var vault = await LoopbackServer.StartAsync(
            IPAddress.Loopback,
            (context, request) => request.Path == ScriptedSource.LookupSelf
                ? ScriptedSource.LookupSelfAsync(context)
                : LoopbackServer.JsonAsync(context, """{"data":{"password":"tls-pass"}}"""),
            leaf,
            [X509CertificateLoader.LoadCertificate(intermediate.RawData)]);
        var caFile = TestCertificates.WritePem(_files.Combine("ca.pem"), trustedRoot);
        return ScriptedSource.Build(vault.Address, o =>
        {
            o.CaCertificateFile = caFile;
            o.UseToken("hvs.token").Map("secret/app", "App", VaultSecretKind.KvV1);
        });
    }
}
