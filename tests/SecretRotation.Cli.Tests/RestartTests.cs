using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.Cli.Restart;
using SecretRotation.TestSupport;

namespace SecretRotation.Cli.Tests;

/// <summary><c>restart</c> against a loopback Kubernetes API: the same request <c>kubectl rollout restart</c> sends.</summary>
public sealed class RestartTests : IAsyncLifetime
{
    private const string Rfc3339 = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$";
    private readonly TemporaryDirectory _directory = new();
    private KubernetesApiStub _api = null!;
    private string _kubeconfig = null!;

    public async Task InitializeAsync()
    {
        _api = await KubernetesApiStub.StartAsync("prod", "web");
        _kubeconfig = _api.WriteKubeconfig(_directory.Path);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task SendsKubectlsStrategicMergePatchOfTheRestartedAtAnnotation()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var result = await new CliHarness().RunAsync(["restart", "web", "--kubeconfig", _kubeconfig]);

        var after = DateTimeOffset.UtcNow.AddSeconds(1);
        Assert.True(result.ExitCode == 0, result.ToString());
        var patch = Assert.Single(_api.Requests, r => r.Method == "PATCH");
        Assert.Equal("/apis/apps/v1/namespaces/prod/deployments/web", patch.Path);
        Assert.Equal("application/strategic-merge-patch+json", MediaTypeHeaderValue.Parse(patch.ContentType!).MediaType);
        Assert.Equal("Bearer test-token", patch.Authorization);
        Assert.Contains("fieldManager=secret-rotation", patch.Query, StringComparison.Ordinal);

        // Exactly {"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"<RFC 3339>"}}}}}.
        using var body = JsonDocument.Parse(patch.Body);
        var annotations = Only(Only(Only(Only(body.RootElement, "spec"), "template"), "metadata"), "annotations");
        var restartedAt = Only(annotations, "kubectl.kubernetes.io/restartedAt").GetString()!;
        Assert.Matches(Rfc3339, restartedAt);
        var time = DateTimeOffset.Parse(restartedAt, CultureInfo.InvariantCulture);
        Assert.InRange(time, before, after);

        Assert.Equal("GET", _api.Requests[0].Method);
        Assert.Contains("deployment.apps/web restarted", result.Out, StringComparison.Ordinal);
        Assert.Contains("namespace    prod", result.Out, StringComparison.Ordinal);
        Assert.Contains($"restartedAt  {restartedAt}", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheBodyIsExactlyKubectlsPatch()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 30, 15, 250, TimeSpan.Zero));
        clock.SetLocalTimeZone(TimeZoneInfo.Utc);

        var result = await new CliHarness { TimeProvider = clock }.RunAsync(["restart", "deployment/web", "--kubeconfig", _kubeconfig]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            """{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-03-01T09:30:15Z"}}}}}""",
            Assert.Single(_api.Requests, r => r.Method == "PATCH").Body);
    }

    [Fact]
    public void TheTimestampIsLocalTimeWithItsOffsetAsGoWritesRfc3339()
    {
        var instant = new DateTimeOffset(2026, 3, 1, 9, 30, 15, 999, TimeSpan.Zero);

        Assert.Equal("2026-03-01T09:30:15Z", RestartTimestamp.Format(instant));
        Assert.Equal("2026-03-01T11:30:15+02:00", RestartTimestamp.Format(instant.ToOffset(TimeSpan.FromHours(2))));
        Assert.Equal("2026-03-01T04:00:15-05:30", RestartTimestamp.Format(instant.ToOffset(TimeSpan.FromHours(-5.5))));
    }

    [Fact]
    public async Task NamespaceComesFromTheOptionThenTheContextThenDefault()
    {
        await using var other = await KubernetesApiStub.StartAsync("default", "web");
        var kubeconfig = other.WriteKubeconfig(Directory.CreateDirectory(_directory.Combine("other")).FullName);
        var explicitNamespace = await new CliHarness().RunAsync(["restart", "web", "--kubeconfig", _kubeconfig, "-n", "staging"]);
        var noNamespace = await new CliHarness().RunAsync(["restart", "web", "--kubeconfig", kubeconfig, "--context", "no-namespace"]);

        Assert.Equal(1, explicitNamespace.ExitCode);
        Assert.Contains(_api.Requests, r => r.Path == "/apis/apps/v1/namespaces/staging/deployments/web");
        Assert.Contains("deployment 'web' was not found in namespace 'staging'", explicitNamespace.Error, StringComparison.Ordinal);
        Assert.True(noNamespace.ExitCode == 0, noNamespace.ToString());
        Assert.Contains(other.Requests, r => r is { Method: "PATCH", Path: "/apis/apps/v1/namespaces/default/deployments/web" });
    }

    [Fact]
    public async Task TheKubeconfigEnvironmentVariableIsUsed()
    {
        var harness = new CliHarness { Environment = { ["KUBECONFIG"] = _kubeconfig } };

        var result = await harness.RunAsync(["restart", "web"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(_api.Requests, r => r is { Method: "PATCH", Path: "/apis/apps/v1/namespaces/prod/deployments/web" });
    }

    [Fact]
    public async Task AForbiddenPatchNamesTheVerb()
    {
        _api.PatchStatus = 403;

        var result = await new CliHarness().RunAsync(["restart", "web", "--kubeconfig", _kubeconfig]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Kubernetes denied 'patch' on deployments.apps 'web' in namespace 'prod' (403 Forbidden:", result.Error, StringComparison.Ordinal);
        Assert.Contains("cannot patch resource", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APausedDeploymentIsNotPatched()
    {
        _api.Paused = true;

        var result = await new CliHarness().RunAsync(["restart", "web", "--kubeconfig", _kubeconfig]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("can't restart paused deployment 'web'", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Requests, r => r.Method == "PATCH");
    }

    [Fact]
    public async Task AnUnknownContextIsABadArgument()
    {
        var result = await new CliHarness().RunAsync(["restart", "web", "--kubeconfig", _kubeconfig, "--context", "nope"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nope", result.Error, StringComparison.Ordinal);
        Assert.Empty(_api.Requests);
    }

    private static JsonElement Only(JsonElement element, string name)
    {
        Assert.Equal(JsonValueKind.Object, element.ValueKind);
        var property = Assert.Single(element.EnumerateObject());
        Assert.Equal(name, property.Name);
        return property.Value;
    }
}
