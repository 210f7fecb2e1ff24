using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace SecretRotation.Cli.Restart;

/// <summary>
/// Restarts a deployment as <c>kubectl rollout restart</c> does: reads it (a paused deployment is refused), then sends a strategic-merge
/// PATCH that sets <c>spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]</c> to the current time, so the
/// deployment controller rolls out new pods. Needs <c>get</c> and <c>patch</c> on deployments (apps) in the namespace.
/// </summary>
internal sealed class DeploymentRestarter(IKubernetes client, TimeProvider timeProvider)
{
    /// <summary>The annotation kubectl sets on the pod template.</summary>
    public const string RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt";

    /// <summary>The field manager recorded in <c>managedFields</c> (kubectl records <c>kubectl-rollout</c>).</summary>
    public const string FieldManager = "secret-rotation";

    /// <summary>Restarts the deployment and returns the <c>restartedAt</c> value written.</summary>
    public async Task<string> RestartAsync(string namespaceName, string name, CancellationToken cancellationToken)
    {
        V1Deployment deployment;
        try
        {
            deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(name, namespaceName, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException exception)
        {
            throw Describe(exception, "get", namespaceName, name);
        }

        if (deployment.Spec?.Paused == true)
        {
            throw new CommandFailedException($"can't restart paused deployment '{name}' in namespace '{namespaceName}' (run 'kubectl rollout resume deployment/{name} -n {namespaceName}' first).");
        }

        var restartedAt = RestartTimestamp.Format(timeProvider.GetLocalNow());
        if (deployment.Spec?.Template?.Metadata?.Annotations is { } annotations
            && annotations.TryGetValue(RestartedAtAnnotation, out var previous) && previous == restartedAt)
        {
            // kubectl: "if restart has already been triggered within the past second, please wait before attempting to trigger another".
            throw new CommandFailedException($"deployment.apps/{name} was restarted within the past second; wait a second before restarting it again.");
        }

        var patch = new V1Patch(PatchBody(restartedAt), V1Patch.PatchType.StrategicMergePatch);
        try
        {
            await client.AppsV1.PatchNamespacedDeploymentAsync(patch, name, namespaceName, fieldManager: FieldManager, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException exception)
        {
            throw Describe(exception, "patch", namespaceName, name);
        }

        return restartedAt;
    }

    /// <summary><c>{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"..."}}}}}</c>, as kubectl's patch.</summary>
    public static string PatchBody(string restartedAt)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("spec");
            writer.WriteStartObject("template");
            writer.WriteStartObject("metadata");
            writer.WriteStartObject("annotations");
            writer.WriteString(RestartedAtAnnotation, restartedAt);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static CommandFailedException Describe(HttpOperationException exception, string verb, string namespaceName, string name)
    {
        var status = (int)(exception.Response?.StatusCode ?? 0);
        var message = StatusMessage(exception.Response?.Content) ?? exception.Response?.ReasonPhrase ?? "no message";
        var text = status switch
        {
            404 => $"deployment '{name}' was not found in namespace '{namespaceName}' ({message}).",
            403 => $"Kubernetes denied '{verb}' on deployments.apps '{name}' in namespace '{namespaceName}' (403 Forbidden: {message}): "
                + $"the identity needs the 'get' and 'patch' verbs on deployments (apps) there (check with 'kubectl auth can-i {verb} deployments -n {namespaceName}').",
            401 => $"Kubernetes rejected the credentials trying to {verb} deployment '{name}' (401 Unauthorized: {message}): log in again or check the kubeconfig user.",
            _ => $"Kubernetes answered {status} to {verb} deployment '{name}' in namespace '{namespaceName}': {message}.",
        };
        return new CommandFailedException(text, exception);
    }

    /// <summary>The <c>message</c> of a Kubernetes <c>Status</c> body, or <see langword="null"/>.</summary>
    private static string? StatusMessage(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                    ? message.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
