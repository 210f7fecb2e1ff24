using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SecretRotation.Cli.Tests;

/// <summary>
/// A loopback stand-in for the Kubernetes API (plain HTTP on 127.0.0.1) that serves one deployment: GET and PATCH on
/// <c>/apis/apps/v1/namespaces/{namespace}/deployments/{name}</c>, Kubernetes <c>Status</c> bodies for errors, and a request log.
/// </summary>
internal sealed class KubernetesApiStub : IAsyncDisposable
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private WebApplication _app = null!;

    private KubernetesApiStub(string namespaceName, string deploymentName)
    {
        Namespace = namespaceName;
        DeploymentName = deploymentName;
    }

    public string Namespace { get; }

    public string DeploymentName { get; }

    public Uri Address { get; private set; } = null!;

    public bool Paused { get; set; }

    /// <summary>The status code PATCH answers with (200 by default).</summary>
    public int PatchStatus { get; set; } = StatusCodes.Status200OK;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public string DeploymentPath => $"/apis/apps/v1/namespaces/{Namespace}/deployments/{DeploymentName}";

    public static async Task<KubernetesApiStub> StartAsync(string namespaceName = "prod", string deploymentName = "web")
    {
        var stub = new KubernetesApiStub(namespaceName, deploymentName);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        stub._app = builder.Build();
        stub._app.Run(stub.HandleAsync);
        await stub._app.StartAsync();
        var address = stub._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        stub.Address = new Uri(address);
        return stub;
    }

    /// <summary>Writes a kubeconfig for this stub: context <c>stub</c> (current, namespace <see cref="Namespace"/>) and <c>no-namespace</c>.</summary>
    public string WriteKubeconfig(string directory)
    {
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: stub
              cluster:
                server: {Address.ToString().TrimEnd('/')}
            users:
            - name: stub
              user:
                token: test-token
            contexts:
            - name: stub
              context:
                cluster: stub
                user: stub
                namespace: {Namespace}
            - name: no-namespace
              context:
                cluster: stub
                user: stub
            current-context: stub
            """);
        return path;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        _requests.Enqueue(new RecordedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? string.Empty,
            context.Request.QueryString.Value ?? string.Empty,
            context.Request.ContentType,
            context.Request.Headers.Authorization.ToString(),
            body));

        if (context.Request.Path != DeploymentPath)
        {
            await WriteStatusAsync(context, StatusCodes.Status404NotFound, "NotFound", $"deployments.apps \"{context.Request.Path.Value?.Split('/')[^1]}\" not found");
            return;
        }

        if (HttpMethods.IsGet(context.Request.Method))
        {
            await WriteDeploymentAsync(context, restartedAt: null);
        }
        else if (HttpMethods.IsPatch(context.Request.Method))
        {
            if (PatchStatus != StatusCodes.Status200OK)
            {
                await WriteStatusAsync(context, PatchStatus, "Forbidden",
                    $"deployments.apps \"{DeploymentName}\" is forbidden: User \"system:serviceaccount:{Namespace}:rotator\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"{Namespace}\"");
                return;
            }

            using var patch = JsonDocument.Parse(body);
            var restartedAt = patch.RootElement.GetProperty("spec").GetProperty("template").GetProperty("metadata").GetProperty("annotations")
                .GetProperty("kubectl.kubernetes.io/restartedAt").GetString();
            await WriteDeploymentAsync(context, restartedAt);
        }
        else
        {
            await WriteStatusAsync(context, StatusCodes.Status405MethodNotAllowed, "MethodNotAllowed", "method not allowed");
        }
    }

    private async Task WriteDeploymentAsync(HttpContext context, string? restartedAt)
    {
        var annotations = restartedAt is null
            ? new Dictionary<string, string> { ["checksum/config"] = "abc" }
            : new Dictionary<string, string> { ["checksum/config"] = "abc", ["kubectl.kubernetes.io/restartedAt"] = restartedAt };
        var deployment = new
        {
            apiVersion = "apps/v1",
            kind = "Deployment",
            metadata = new { name = DeploymentName, @namespace = Namespace, resourceVersion = "42" },
            spec = new
            {
                replicas = 2,
                paused = Paused,
                selector = new { matchLabels = new Dictionary<string, string> { ["app"] = DeploymentName } },
                template = new
                {
                    metadata = new { labels = new Dictionary<string, string> { ["app"] = DeploymentName }, annotations },
                    spec = new { containers = new[] { new { name = DeploymentName, image = "nginx:1.27" } } },
                },
            },
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(deployment));
    }

    private static async Task WriteStatusAsync(HttpContext context, int code, string reason, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            kind = "Status",
            apiVersion = "v1",
            metadata = new { },
            status = "Failure",
            message,
            reason,
            code,
        }));
    }
}
