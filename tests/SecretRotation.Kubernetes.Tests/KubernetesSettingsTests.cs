using Microsoft.Extensions.Configuration;
using SecretRotation.Kubernetes.Internal;

namespace SecretRotation.Kubernetes.Tests;

public sealed class KubernetesSettingsTests
{
    [Fact]
    public void NothingNamedOrSelectedIsRefusedWhenBuilt()
    {
        var builder = new ConfigurationBuilder().AddKubernetesSecrets(_ => { });

        var exception = Assert.Throws<ArgumentException>(() => builder.Build());

        Assert.Contains("SecretNames", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("a/b")]
    [InlineData("x,metadata.namespace=other")]
    public void AnInvalidNameIsRefused(string name)
    {
        var source = new KubernetesSecretsSource { Namespace = "app" };
        source.SecretNames.Add(name);

        Assert.Throws<ArgumentException>(() => KubernetesSourceSettings.From(source));
    }

    [Fact]
    public void OutOfRangeLimitsAreRefused()
    {
        static KubernetesSecretsSource Named()
        {
            var source = new KubernetesSecretsSource();
            source.SecretNames.Add("db");
            return source;
        }

        var tooBig = Named();
        tooBig.MaxSecretSize = 64 * 1024 * 1024;
        var noKeys = Named();
        noKeys.MaxKeys = 0;
        var shortWatch = Named();
        shortWatch.WatchTimeout = TimeSpan.FromSeconds(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => KubernetesSourceSettings.From(tooBig));
        Assert.Throws<ArgumentOutOfRangeException>(() => KubernetesSourceSettings.From(noKeys));
        Assert.Throws<ArgumentOutOfRangeException>(() => KubernetesSourceSettings.From(shortWatch));
    }

    [Fact]
    public void TheNamespaceComesFromTheServiceAccountFile()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "shop\n");
            var source = new KubernetesSecretsSource { NamespaceFile = file };
            source.SecretNames.Add("db");

            var ns = KubernetesSourceSettings.From(source).ResolveNamespace(new k8s.KubernetesClientConfiguration { Host = "https://127.0.0.1" });

            Assert.Equal("shop", ns);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ANamedQueryUsesAFieldSelectorSoResourceNamesRbacAllowsIt()
    {
        var query = new ResourceQuery(ResourceKind.Secret, "app", "db-credentials", null);

        Assert.Equal("api/v1/namespaces/app/secrets?fieldSelector=metadata.name%3Ddb-credentials", query.ListPath());
        var watch = query.WatchPath("123", 300);
        Assert.Contains("fieldSelector=metadata.name%3Ddb-credentials", watch, StringComparison.Ordinal);
        Assert.Contains("watch=true", watch, StringComparison.Ordinal);
        Assert.Contains("allowWatchBookmarks=true", watch, StringComparison.Ordinal);
        Assert.Contains("resourceVersion=123", watch, StringComparison.Ordinal);
        Assert.Contains("timeoutSeconds=300", watch, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAccessDeniedMessageNamesWhatIsMissingAndTheRoleThatGrantsIt()
    {
        var query = new ResourceQuery(ResourceKind.Secret, "app", "db-credentials", null);

        var message = AccessDeniedMessage.For(query, "watch", "Forbidden");

        Assert.Contains("watch secrets named 'db-credentials' in namespace 'app'", message, StringComparison.Ordinal);
        Assert.Contains("kind: Role", message, StringComparison.Ordinal);
        Assert.Contains("namespace: app", message, StringComparison.Ordinal);
        Assert.Contains("resourceNames: [\"db-credentials\"]", message, StringComparison.Ordinal);
        Assert.Contains("verbs: [\"get\", \"list\", \"watch\"]", message, StringComparison.Ordinal);
    }
}
