using Microsoft.Extensions.Configuration;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Kubernetes.Tests;

/// <summary>The other ways in: a kubeconfig (and its context's namespace), ConfigMaps, a label selector.</summary>
public sealed class KubernetesSourceOptionsTests : IDisposable
{
    private const string Ns = KubernetesHarness.Namespace;
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AKubeconfigGivesTheServerTheCredentialsAndTheNamespace()
    {
        await using var harness = await KubernetesHarness.StartAsync();
        harness.Emulator.SetSecret(Ns, "db", new Dictionary<string, string> { ["Password"] = "kubeconfig-password-1" });
        var kubeconfig = _directory.Combine("config");
        Directory.CreateDirectory(_directory.Path);
        await File.WriteAllTextAsync(kubeconfig, harness.Emulator.CreateKubeconfig(harness.ScopedToken("db"), Ns));

        using var configuration = (ConfigurationRoot)new ConfigurationBuilder().AddKubernetesSecrets(source =>
        {
            source.KubeconfigPath = kubeconfig;
            source.NamespaceFile = _directory.Combine("no-such-namespace-file");
            source.SecretNames.Add("db");
            source.LoggerFactory = harness.Logs.CreateFactory();
        }).Build();
        using var reloads = new ReloadProbe(configuration);
        await harness.Emulator.WaitForWatchesAsync().WithTimeout("the watch");

        Assert.Equal("kubeconfig-password-1", configuration["Password"]);
        harness.Emulator.SetSecret(Ns, "db", new Dictionary<string, string> { ["Password"] = "kubeconfig-password-2" });
        await reloads.WaitAsync(() => configuration["Password"] == "kubeconfig-password-2", "the watched change");
    }

    [Fact]
    public async Task ConfigMapsAreReadAndWatchedTheSameWay()
    {
        await using var harness = await KubernetesHarness.StartAsync();
        harness.Emulator.SetSecret(Ns, "db", new Dictionary<string, string> { ["Password"] = "cm-password-1" });
        harness.Emulator.SetConfigMap(Ns, "app-settings", new Dictionary<string, string> { ["Feature__Enabled"] = "true", ["Mode"] = "blue\n" });
        var token = harness.Emulator.CreateServiceAccountToken(
            Ns,
            "reader",
            new KubernetesRbacRule { Verbs = ["get", "list", "watch"], Resources = ["secrets"], ResourceNames = ["db"], Namespace = Ns },
            new KubernetesRbacRule { Verbs = ["get", "list", "watch"], Resources = ["configmaps"], ResourceNames = ["app-settings"], Namespace = Ns });

        using var configuration = harness.Build(["db"], s => s.ConfigMapNames.Add("app-settings"), token);
        using var reloads = new ReloadProbe(configuration);
        await harness.Emulator.WaitForWatchesAsync(2).WithTimeout("the watches");

        Assert.Equal("cm-password-1", configuration["Password"]);
        Assert.Equal("true", configuration["Feature:Enabled"]);
        Assert.Equal("blue", configuration["Mode"]);
        harness.Emulator.SetConfigMap(Ns, "app-settings", new Dictionary<string, string> { ["Feature__Enabled"] = "false", ["Mode"] = "blue\n" });
        await reloads.WaitAsync(() => reloads.Count >= 1 && configuration["Feature:Enabled"] == "false", "the ConfigMap change");
        Assert.Equal(1, reloads.Count);
    }

    [Fact]
    public async Task ALabelSelectorReadsEveryMatchingSecretAndFollowsLabelChanges()
    {
        await using var harness = await KubernetesHarness.StartAsync();
        var selected = new Dictionary<string, string> { ["secret-rotation/load"] = "true" };
        harness.Emulator.SetSecret(Ns, "one", new Dictionary<string, string> { ["One"] = "selector-1" }, selected);
        harness.Emulator.SetSecret(Ns, "two", new Dictionary<string, string> { ["Two"] = "selector-2" });
        var token = harness.Emulator.CreateServiceAccountToken(Ns, "reader",
            new KubernetesRbacRule { Verbs = ["list", "watch"], Resources = ["secrets"], Namespace = Ns });

        using var configuration = (ConfigurationRoot)new ConfigurationBuilder().AddKubernetesSecrets(source =>
        {
            source.ClientConfiguration = harness.ClientConfiguration(token);
            source.Namespace = Ns;
            source.LabelSelector = "secret-rotation/load=true";
            source.PollInterval = null;
            source.LoggerFactory = harness.Logs.CreateFactory();
        }).Build();
        using var reloads = new ReloadProbe(configuration);
        await harness.Emulator.WaitForWatchesAsync().WithTimeout("the watch");

        Assert.Equal("selector-1", configuration["One"]);
        Assert.Null(configuration["Two"]);

        // Labelled later: it enters the selection (the watch reports it as ADDED).
        harness.Emulator.SetSecret(Ns, "two", new Dictionary<string, string> { ["Two"] = "selector-2" }, selected);
        await reloads.WaitAsync(() => configuration["Two"] == "selector-2", "the newly labelled Secret");

        // Unlabelled: it leaves the selection (DELETED for this watch), its keys drop out.
        harness.Emulator.SetSecret(Ns, "one", new Dictionary<string, string> { ["One"] = "selector-1" });
        await reloads.WaitAsync(() => configuration["One"] is null, "the unlabelled Secret's keys to drop out");
        Assert.Equal("selector-2", configuration["Two"]);
    }
}
