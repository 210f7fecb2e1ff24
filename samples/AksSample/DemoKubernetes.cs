using System.Security.Cryptography.X509Certificates;
using k8s;
using SecretRotation.Testing;

namespace AksSample;

/// <summary>
/// The local demo's Kubernetes API server: a <see cref="KubernetesEmulator"/> on a loopback HTTPS port holding the Secret
/// <see cref="Namespace"/>/<see cref="SecretName"/> (key <c>SigningKey</c>), and a service-account token that may only get, list
/// and watch that Secret, as <c>k8s/rbac-kubernetes-secrets.yaml</c> grants in a cluster. Disposing it stops the emulator.
/// </summary>
public sealed class DemoKubernetes : IAsyncDisposable
{
    public const string Namespace = "demo";

    public const string SecretName = "aks-sample-signing";

    private readonly KubernetesEmulator _emulator;

    private DemoKubernetes(KubernetesEmulator emulator, KubernetesClientConfiguration clientConfiguration)
    {
        _emulator = emulator;
        ClientConfiguration = clientConfiguration;
    }

    /// <summary>The emulator's address, <c>https://127.0.0.1:{port}/</c>.</summary>
    public Uri Address => _emulator.Address;

    /// <summary>How the app reaches the emulator: its address, its certificate as the CA, the scoped token (never logged).</summary>
    public KubernetesClientConfiguration ClientConfiguration { get; }

    /// <summary>Starts the emulator, writes the Secret's first version and makes the scoped token.</summary>
    public static async Task<DemoKubernetes> StartAsync(CancellationToken cancellationToken = default)
    {
        var emulator = await KubernetesEmulator.StartAsync(new KubernetesEmulatorOptions { TimeProvider = TimeProvider.System }, cancellationToken);
        try
        {
            var token = emulator.CreateServiceAccountToken(Namespace, "aks-sample", new KubernetesRbacRule
            {
                Verbs = ["get", "list", "watch"],
                Resources = ["secrets"],
                ResourceNames = [SecretName],
                Namespace = Namespace,
            });
            var demo = new DemoKubernetes(emulator, new KubernetesClientConfiguration
            {
                Host = emulator.Address.GetLeftPart(UriPartial.Authority),
                AccessToken = token,
                SslCaCerts = [X509CertificateLoader.LoadCertificate(emulator.Certificate.RawData)],
            });
            demo.RotateSigningKey();
            return demo;
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes a new random <c>SigningKey</c> into the Secret (as <c>kubectl apply</c> would).</summary>
    /// <returns>The Secret's new resourceVersion and the new value's fingerprint (never the value).</returns>
    public (string ResourceVersion, string Fingerprint) RotateSigningKey()
    {
        var value = DemoPayload.CreateSigningKey();
        var resourceVersion = _emulator.SetSecret(Namespace, SecretName, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [nameof(DatabaseOptions.SigningKey)] = value,
        });
        return (resourceVersion, SecretFingerprint.Of(value)!);
    }

    public ValueTask DisposeAsync() => _emulator.DisposeAsync();
}
