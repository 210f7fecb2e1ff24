using System.Security.Cryptography.X509Certificates;
using k8s;
using Microsoft.Extensions.Configuration;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Kubernetes.Tests;

/// <summary>
/// A Kubernetes API emulator plus a service-account token scoped like the docs' Role (get, list, watch on the named Secrets
/// only), and configurations built on it.
/// </summary>
internal sealed class KubernetesHarness : IAsyncDisposable
{
    public const string Namespace = "app";

    private KubernetesHarness(KubernetesEmulator emulator)
    {
        Emulator = emulator;
    }

    public KubernetesEmulator Emulator { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public static async Task<KubernetesHarness> StartAsync(KubernetesEmulatorOptions? options = null) =>
        new(await KubernetesEmulator.StartAsync(options));

    /// <summary>A token that may get, list and watch exactly <paramref name="secretNames"/> in <see cref="Namespace"/>.</summary>
    public string ScopedToken(params string[] secretNames) =>
        Emulator.CreateServiceAccountToken(Namespace, "reader", new KubernetesRbacRule
        {
            Verbs = ["get", "list", "watch"],
            Resources = ["secrets"],
            ResourceNames = secretNames,
            Namespace = Namespace,
        });

    public KubernetesClientConfiguration ClientConfiguration(string token) => new()
    {
        Host = Emulator.Address.GetLeftPart(UriPartial.Authority),
        AccessToken = token,
        SslCaCerts = [X509CertificateLoader.LoadCertificate(Emulator.Certificate.RawData)],
    };

    /// <summary>Adds a source for <paramref name="secretNames"/> with a token scoped to them, watching, with no poll.</summary>
    public IConfigurationBuilder AddSource(IConfigurationBuilder builder, string[] secretNames, Action<KubernetesSecretsSource>? configure = null, string? token = null)
    {
        var clientConfiguration = ClientConfiguration(token ?? ScopedToken(secretNames));
        return builder.AddKubernetesSecrets(source =>
        {
            source.ClientConfiguration = clientConfiguration;
            source.Namespace = Namespace;
            foreach (var name in secretNames)
            {
                source.SecretNames.Add(name);
            }

            source.PollInterval = null;
            source.LoggerFactory = Logs.CreateFactory();
            source.MinimumWatchBackoff = TimeSpan.FromMilliseconds(50);
            source.MaximumWatchBackoff = TimeSpan.FromMilliseconds(500);
            configure?.Invoke(source);
        });
    }

    public ConfigurationRoot Build(string[] secretNames, Action<KubernetesSecretsSource>? configure = null, string? token = null) =>
        (ConfigurationRoot)AddSource(new ConfigurationBuilder(), secretNames, configure, token).Build();

    /// <summary>The watch requests the emulator answered, in order.</summary>
    public IReadOnlyList<KubernetesRequest> Watches() => [.. Emulator.Requests.Where(static r => r.Verb == "watch")];

    /// <summary>The list requests the emulator answered, in order.</summary>
    public IReadOnlyList<KubernetesRequest> Lists() => [.. Emulator.Requests.Where(static r => r.Verb == "list")];

    public static string? QueryValue(KubernetesRequest request, string name)
    {
        foreach (var part in request.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? part : part[..equals];
            if (key == name)
            {
                return equals < 0 ? "" : Uri.UnescapeDataString(part[(equals + 1)..]);
            }
        }

        return null;
    }

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();
}
