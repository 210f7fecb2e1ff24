using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecretRotation.Cli.Restart;
using SecretRotation.TestSupport;

namespace SecretRotation.Cli.Tests.FirstHour;

/// <summary>A multi-file <c>KUBECONFIG</c> is merged as kubectl merges it: the first file to set a value wins.</summary>
public sealed class KubeconfigMergeTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _directory = new();
    private KubernetesApiStub _api = null!;

    public async Task InitializeAsync() => _api = await KubernetesApiStub.StartAsync("prod", "web");

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task RestartWorksWithTheClusterInOneFileAndTheUserAndContextInAnother()
    {
        var users = Write("users.yaml", """
            apiVersion: v1
            kind: Config
            current-context: stub
            users:
            - name: stub
              user:
                token: split-token
            contexts:
            - name: stub
              context:
                cluster: stub
                user: stub
                namespace: prod
            """);
        var clusters = Write("clusters.yaml", $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: stub
              cluster:
                server: {_api.Address.ToString().TrimEnd('/')}
            """);
        var harness = new CliHarness { Environment = { ["KUBECONFIG"] = users + Path.PathSeparator + clusters } };

        var result = await harness.RunAsync(["restart", "web"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var patch = Assert.Single(_api.Requests, r => r.Method == "PATCH");
        Assert.Equal("Bearer split-token", patch.Authorization);
        Assert.Equal("/apis/apps/v1/namespaces/prod/deployments/web", patch.Path);
    }

    [Fact]
    public void TheFirstFileToDefineANameWinsAndTheCurrentContextComesFromTheFirstFileThatSetsOne()
    {
        var first = Write("first.yaml", """
            apiVersion: v1
            kind: Config
            clusters:
            - name: c1
              cluster:
                server: https://first.example:6443
            contexts:
            - name: ctx1
              context:
                cluster: c1
                user: u1
                namespace: ns-first
            users:
            - name: u1
              user:
                token: t1
            """);
        var second = Write("second.yaml", """
            apiVersion: v1
            kind: Config
            current-context: ctx2
            clusters:
            - name: c1
              cluster:
                server: https://second-ignored.example:6443
            - name: c2
              cluster:
                server: https://second.example:6443
            contexts:
            - name: ctx1
              context:
                cluster: c2
                user: u2
            - name: ctx2
              context:
                cluster: c1
                user: u2
                namespace: ns-second
            users:
            - name: u2
              user:
                token: t2
            """);
        var third = Write("third.yaml", """
            apiVersion: v1
            kind: Config
            current-context: ctx1
            """);
        var context = Context(first, second, third);

        var current = KubernetesConfigLoader.Load(null, null, context);
        var named = KubernetesConfigLoader.Load(null, "ctx1", context);

        Assert.Equal("ctx2", current.CurrentContext);
        Assert.Equal("https://first.example:6443/", new Uri(current.Host).ToString());
        Assert.Equal("t2", current.AccessToken);
        Assert.Equal("ns-second", current.Namespace);
        Assert.Equal("https://first.example:6443/", new Uri(named.Host).ToString());
        Assert.Equal("t1", named.AccessToken);
        Assert.Equal("ns-first", named.Namespace);
    }

    [Fact]
    public void ARelativeCertificatePathIsResolvedAgainstItsOwnFile()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = new CertificateRequest("CN=merge test CA", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Directory.CreateDirectory(_directory.Combine("second"));
        File.WriteAllText(_directory.Combine("second", "ca.crt"), ca.ExportCertificatePem());
        var first = Write("first.yaml", """
            apiVersion: v1
            kind: Config
            current-context: ctx
            contexts:
            - name: ctx
              context:
                cluster: c
                user: u
            users:
            - name: u
              user:
                token: t
            """);
        var second = Write(Path.Combine("second", "config.yaml"), """
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster:
                server: https://cluster.example:6443
                certificate-authority: ca.crt
            """);

        var configuration = KubernetesConfigLoader.Load(null, null, Context(first, second));

        Assert.Equal(ca.Thumbprint, Assert.Single(configuration.SslCaCerts).Thumbprint);
    }

    [Fact]
    public async Task FilesWithoutACurrentContextAskForContext()
    {
        var only = Write("only.yaml", """
            apiVersion: v1
            kind: Config
            users:
            - name: u
              user:
                token: t
            """);

        var result = await new CliHarness { Environment = { ["KUBECONFIG"] = only } }.RunAsync(["restart", "web"]);

        Assert.Equal(ExitCodes.BadArguments, result.ExitCode);
        Assert.Contains("sets a current-context: pass --context", result.Error, StringComparison.Ordinal);
    }

    private CliContext Context(params string[] files) =>
        new(TextWriter.Null, TextWriter.Null, TextReader.Null)
        {
            GetEnvironmentVariable = name => name == "KUBECONFIG" ? string.Join(Path.PathSeparator, files) : null,
        };

    private string Write(string name, string content)
    {
        var path = _directory.Combine(name);
        File.WriteAllText(path, content);
        return path;
    }
}
