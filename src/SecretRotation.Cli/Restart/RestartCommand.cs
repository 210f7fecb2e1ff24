using System.CommandLine;
using System.Text.RegularExpressions;
using k8s;

namespace SecretRotation.Cli.Restart;

/// <summary><c>restart</c>: restarts a deployment the way <c>kubectl rollout restart deployment/NAME</c> does.</summary>
internal static partial class RestartCommand
{
    private static readonly string[] KindPrefixes = ["deployment/", "deployments/", "deploy/", "deployment.apps/", "deployments.apps/"];

    public static Command Create(CliContext context)
    {
        var deployment = new Argument<string>("deployment") { Description = "The deployment, as NAME or deployment/NAME." };
        var kubeconfig = new Option<string>("--kubeconfig") { Description = "The kubeconfig file [default: KUBECONFIG, ~/.kube/config, or the pod's service account].", HelpName = "file" };
        var kubeContext = new Option<string>("--context") { Description = "The kubeconfig context [default: the current context].", HelpName = "name" };
        var namespaceOption = new Option<string>("--namespace", "-n") { Description = "The namespace [default: the context's namespace, or 'default'].", HelpName = "namespace" };

        var command = new Command(
            "restart",
            "Restart a deployment as 'kubectl rollout restart' does: a strategic-merge patch of the pod template's kubectl.kubernetes.io/restartedAt "
            + "annotation, so its pods are replaced by a rolling update. Needs 'get' and 'patch' on deployments.")
        {
            deployment, kubeconfig, kubeContext, namespaceOption,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var name = DeploymentName(parseResult.GetValue(deployment)!);
            var explicitNamespace = parseResult.GetValue(namespaceOption) is { } option ? NamespaceName(option) : null;
            var configuration = KubernetesConfigLoader.Load(parseResult.GetValue(kubeconfig), parseResult.GetValue(kubeContext), context);
            var namespaceName = explicitNamespace ?? (string.IsNullOrWhiteSpace(configuration.Namespace) ? "default" : NamespaceName(configuration.Namespace));

            using var client = new Kubernetes(configuration);
            string restartedAt;
            try
            {
                restartedAt = await new DeploymentRestarter(client, context.TimeProvider).RestartAsync(namespaceName, name, cancellationToken);
            }
            catch (HttpRequestException exception)
            {
                throw new CommandFailedException($"Could not reach the Kubernetes API at {configuration.Host}: {exception.Message}", exception);
            }

            await context.Out.WriteLineAsync($"deployment.apps/{name} restarted");
            await context.Out.WriteLineAsync($"  namespace    {namespaceName}");
            await context.Out.WriteLineAsync($"  restartedAt  {restartedAt}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string DeploymentName(string argument)
    {
        var name = argument.Trim();
        foreach (var prefix in KindPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                name = name[prefix.Length..];
                break;
            }
        }

        return name.Length <= 253 && Dns1123Subdomain().IsMatch(name)
            ? name
            : throw new UsageException($"'{argument}' is not a deployment name (lower-case letters, digits, '-' and '.'), e.g. myapp or deployment/myapp.");
    }

    private static string NamespaceName(string text) =>
        Dns1123Label().IsMatch(text.Trim())
            ? text.Trim()
            : throw new UsageException($"'{text}' is not a namespace name (lower-case letters, digits and '-', at most 63).");

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex Dns1123Label();
}
