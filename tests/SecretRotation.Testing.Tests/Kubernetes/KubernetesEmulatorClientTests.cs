using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>The emulator through the real KubernetesClient package: its TLS trust, models, list-then-watch and error mapping.</summary>
public sealed class KubernetesEmulatorClientTests
{
    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;

    [Fact]
    public async Task ListThenWatchSeesAddedModifiedDeletedInOrder()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["password"] = "v1" });
        using var client = CreateClient(emulator, emulator.AdminToken);

        var list = await client.CoreV1.ListNamespacedSecretAsync("apps", cancellationToken: _timeout);
        var events = new List<(WatchEventType Type, string Name, string Password)>();
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, secret) in client.CoreV1.WatchListNamespacedSecretAsync(
                "apps", allowWatchBookmarks: true, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: _timeout))
            {
                if (type == WatchEventType.Bookmark)
                {
                    continue;
                }

                var password = secret.Data is { } data && data.TryGetValue("password", out var bytes) ? Encoding.UTF8.GetString(bytes) : string.Empty;
                events.Add((type, secret.Metadata.Name, password));
                if (events.Count == 4)
                {
                    return;
                }
            }
        });
        await emulator.WaitForWatchesAsync(cancellationToken: _timeout);
        await client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = "api" }, StringData = new Dictionary<string, string> { ["password"] = "a1" } },
            "apps",
            cancellationToken: _timeout);
        var db = await client.CoreV1.ReadNamespacedSecretAsync("db", "apps", cancellationToken: _timeout);
        db.Data["password"] = Encoding.UTF8.GetBytes("v2");
        await client.CoreV1.ReplaceNamespacedSecretAsync(db, "db", "apps", cancellationToken: _timeout);
        await client.CoreV1.PatchNamespacedSecretAsync(
            new V1Patch("""{"stringData":{"password":"v3"}}""", V1Patch.PatchType.MergePatch), "db", "apps", cancellationToken: _timeout);
        await client.CoreV1.DeleteNamespacedSecretAsync("api", "apps", cancellationToken: _timeout);
        await watching.WithTimeout("four watch events");

        Assert.Equal("SecretList", list.Kind);
        Assert.Equal("db", Assert.Single(list.Items).Metadata.Name);
        Assert.Equal(
            [(WatchEventType.Added, "api", "a1"), (WatchEventType.Modified, "db", "v2"), (WatchEventType.Modified, "db", "v3"), (WatchEventType.Deleted, "api", "a1")],
            events);
    }

    [Fact]
    public async Task ErrorsArriveAsHttpOperationExceptionsWithTheStatusBody()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["password"] = "v1" });
        var token = emulator.CreateServiceAccountToken("apps", "reader", new KubernetesRbacRule
        {
            Verbs = ["get", "list", "watch"],
            Resources = ["secrets"],
            ResourceNames = ["db"],
            Namespace = "apps",
        });
        using var client = CreateClient(emulator, token);

        var byName = await client.CoreV1.ListNamespacedSecretAsync("apps", fieldSelector: "metadata.name=db", cancellationToken: _timeout);
        var whole = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedSecretAsync("apps", cancellationToken: _timeout));
        var other = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedSecretAsync("other", "apps", cancellationToken: _timeout));

        Assert.Equal("db", Assert.Single(byName.Items).Metadata.Name);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, whole.Response.StatusCode);
        Assert.Contains(
            "secrets is forbidden: User \\\"system:serviceaccount:apps:reader\\\" cannot list resource \\\"secrets\\\" in API group \\\"\\\" in the namespace \\\"apps\\\"",
            whole.Response.Content,
            StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, other.Response.StatusCode);
    }

    private static Kubernetes CreateClient(KubernetesEmulator emulator, string token) => new(new KubernetesClientConfiguration
    {
        Host = emulator.Address.ToString(),
        AccessToken = token,
        SslCaCerts = [X509CertificateLoader.LoadCertificate(emulator.Certificate.RawData)],
    });
}
