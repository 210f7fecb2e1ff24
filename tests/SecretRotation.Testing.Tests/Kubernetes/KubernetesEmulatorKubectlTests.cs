using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>A real client, kubectl, against the emulator: discovery, TLS with the kubeconfig's CA, <c>get -w</c> and <c>apply</c>.</summary>
public sealed class KubernetesEmulatorKubectlTests
{
    private readonly CancellationToken _timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token;

    [SkippableFact]
    public async Task KubectlWatchesAndAppliesSecrets()
    {
        Skip.IfNot(File.Exists(Kubectl.Path), $"{Kubectl.Path} is missing: install kubectl (or set KUBECTL_PATH) to run this test.");
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        using var directory = new TemporaryDirectory();
        var kubeconfig = directory.Combine("kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, emulator.CreateKubeconfig(emulator.AdminToken, "apps"), _timeout);
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["password"] = "v1" });
        await File.WriteAllTextAsync(directory.Combine("secret.yaml"), """
            apiVersion: v1
            kind: Secret
            metadata:
              name: db
              labels:
                app: web
            stringData:
              password: v2
            """, _timeout);

        using var watch = Kubectl.Start(kubeconfig, directory.Path, "get", "secret", "db", "-w", "-o", "jsonpath={.metadata.resourceVersion} {.data.password}{\"\\n\"}");
        string? first;
        try
        {
            first = await watch.NextLineAsync(_timeout);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException(
                $"kubectl get -w printed nothing. stderr: {watch.StandardError}\nrequests: {string.Join('\n', emulator.Requests)}");
        }

        await emulator.WaitForWatchesAsync(cancellationToken: _timeout);
        // --validate=false: the emulator serves no OpenAPI document (/openapi/v2, /openapi/v3 are 404), which validation downloads.
        using var apply = Kubectl.Start(kubeconfig, directory.Path, "apply", "--validate=false", "-f", directory.Combine("secret.yaml"));
        var (applyExit, applyOutput) = await apply.ExitAsync(_timeout);
        string? second;
        try
        {
            second = await watch.NextLineAsync(_timeout);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException(
                $"kubectl get -w printed no second line. apply: {applyExit} {applyOutput} {apply.StandardError}; watch stderr: {watch.StandardError}\nrequests: {string.Join('\n', emulator.Requests)}");
        }

        await File.WriteAllTextAsync(directory.Combine("new.yaml"), """
            apiVersion: v1
            kind: Secret
            metadata:
              name: api
            data:
              key: YTE=
            """, _timeout);
        using var create = Kubectl.Start(kubeconfig, directory.Path, "apply", "--validate=false", "-f", directory.Combine("new.yaml"));
        var (createExit, createOutput) = await create.ExitAsync(_timeout);
        using var table = Kubectl.Start(kubeconfig, directory.Path, "get", "secrets");
        var (tableExit, tableOutput) = await table.ExitAsync(_timeout);

        Assert.True(createExit == 0, $"kubectl apply (create) failed ({createExit}): {createOutput} {create.StandardError}");
        Assert.Equal("secret/api created", createOutput.Trim());
        Assert.Equal("a1", System.Text.Encoding.UTF8.GetString(emulator.GetSecret("apps", "api")!.Data["key"]));
        Assert.True(tableExit == 0, $"kubectl get secrets failed ({tableExit}): {tableOutput} {table.StandardError}");
        Assert.Equal(["NAME", "api", "db"], tableOutput.Split('\n').Select(line => line.Split(' ')[0]));
        Assert.True(applyExit == 0, $"kubectl apply failed ({applyExit}): {applyOutput} {apply.StandardError}");
        Assert.Equal("secret/db configured", applyOutput.Trim());
        var stored = emulator.GetSecret("apps", "db")!;
        Assert.Equal("v2", System.Text.Encoding.UTF8.GetString(stored.Data["password"]));
        Assert.Equal("web", stored.Labels["app"]);
        Assert.Equal($"{stored.ResourceVersion} {Convert.ToBase64String("v2"u8)}", second);
        Assert.NotNull(first);
        Assert.EndsWith(Convert.ToBase64String("v1"u8), first, StringComparison.Ordinal);
    }
}
