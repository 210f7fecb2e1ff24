using k8s;
using SecretRotation.Kubernetes.Internal;

namespace SecretRotation.Kubernetes;

/// <summary>
/// Kubernetes Secrets (and optionally ConfigMaps) read through the API server and watched: a change reaches the app within
/// the watch's latency (milliseconds), not the kubelet's sync period. Each Secret's <c>data</c> keys map to configuration keys
/// by the same rules as <see cref="MountedSecretsSource"/> (<c>__</c> becomes <c>:</c>, dot-named keys are skipped, one
/// trailing newline trimmed), so switching between the volume and the watch changes no key.
/// </summary>
/// <remarks>
/// With named Secrets every request carries <c>fieldSelector=metadata.name=&lt;name&gt;</c>, so a Role with
/// <c>resourceNames</c> and the verbs <c>get</c>, <c>list</c>, <c>watch</c> is enough; a label selector needs
/// <c>list</c> and <c>watch</c> on every Secret of the namespace.
/// </remarks>
public sealed class KubernetesSecretsSource : SecretConfigurationSource
{
    /// <summary>The largest Secret the API server stores: 1 MiB.</summary>
    public const int DefaultMaxSecretSize = 1024 * 1024;

    /// <summary>The default cap on the number of keys the source loads.</summary>
    public const int DefaultMaxKeys = 1000;

    /// <summary>Where a pod's service account namespace is mounted.</summary>
    public const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /// <summary>
    /// Creates a source that watches, with a 5-minute poll as the safety net and a 5 ms debounce: one watch event carries a whole
    /// Secret, so unlike a volume (many files per rotation) there is nothing to wait for but other Secrets applied together.
    /// </summary>
    public KubernetesSecretsSource()
    {
        PollInterval = TimeSpan.FromMinutes(5);
        DebounceWindow = TimeSpan.FromMilliseconds(5);
    }

    /// <summary>The names of the Secrets to read, e.g. <c>db-credentials</c>. Each is listed and watched by name.</summary>
    public IList<string> SecretNames { get; } = [];

    /// <summary>
    /// A label selector (e.g. <c>app=shop,secret-rotation/load=true</c>): every Secret in the namespace that matches is read too.
    /// Needs <c>list</c> and <c>watch</c> on all Secrets of the namespace (RBAC cannot scope a selector to names).
    /// </summary>
    /// <value>Default none.</value>
    public string? LabelSelector { get; set; }

    /// <summary>The names of ConfigMaps to read the same way (their <c>data</c> and <c>binaryData</c> keys).</summary>
    public IList<string> ConfigMapNames { get; } = [];

    /// <summary>A label selector for ConfigMaps, as <see cref="LabelSelector"/> is for Secrets.</summary>
    /// <value>Default none.</value>
    public string? ConfigMapLabelSelector { get; set; }

    /// <summary>
    /// The namespace. Default: the pod's own (from <see cref="ServiceAccountNamespaceFile"/>), else the kubeconfig context's
    /// namespace, else <c>default</c>.
    /// </summary>
    public string? Namespace { get; set; }

    /// <summary>A section to put every key under, e.g. <c>Db</c> makes the Secret key <c>password</c> the key <c>Db:password</c>.</summary>
    /// <value>Default none.</value>
    public string? KeyPrefix { get; set; }

    /// <summary>
    /// How to reach the API server. Default: the in-cluster configuration (service account token, CA and
    /// <c>KUBERNETES_SERVICE_HOST</c>) inside a pod, else the kubeconfig at <see cref="KubeconfigPath"/> (or <c>~/.kube/config</c>).
    /// </summary>
    public KubernetesClientConfiguration? ClientConfiguration { get; set; }

    /// <summary>A kubeconfig file for local runs; when set it wins over the in-cluster configuration.</summary>
    /// <value>Default none (in-cluster, else <c>$KUBECONFIG</c> or <c>~/.kube/config</c>).</value>
    public string? KubeconfigPath { get; set; }

    /// <summary>The kubeconfig context to use. Default: its current context.</summary>
    public string? KubeconfigContext { get; set; }

    /// <summary>
    /// Whether to watch. Off, the source reads only on the poll clock (<see cref="SecretConfigurationSource.PollInterval"/>) and
    /// on explicit refreshes.
    /// </summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool UseWatch { get; set; } = true;

    /// <summary>
    /// The <c>timeoutSeconds</c> each watch request asks for: the server ends the stream then, and the source watches again from
    /// the last <c>resourceVersion</c> (about one request per watch timeout while idle). Each request adds up to 25 % at random.
    /// </summary>
    /// <value>Default 5 minutes. Between 10 seconds and 1 hour.</value>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a watch stream may stay silent (no event, no bookmark) before it counts as stuck and is restarted from the last
    /// <c>resourceVersion</c>. Servers send bookmarks at their discretion, so a quiet namespace may cost one extra request per
    /// timeout; a dead connection that no TCP reset ever reports is caught by it.
    /// </summary>
    /// <value>Default 2 minutes. Positive.</value>
    public TimeSpan WatchProgressTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The first delay before watching again after a failed watch; it doubles per further failure up to
    /// <see cref="MaximumWatchBackoff"/>, with jitter. After a stream that ended normally the delay is a random part of it.</summary>
    /// <value>Default 1 second.</value>
    public TimeSpan MinimumWatchBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay before watching again after failures.</summary>
    /// <value>Default 30 seconds.</value>
    public TimeSpan MaximumWatchBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A Secret whose decoded <c>data</c> holds more bytes than this fails the read (the last good data is kept) and is not held
    /// in memory; API answers are bounded accordingly.
    /// </summary>
    /// <value>Default <see cref="DefaultMaxSecretSize"/> (1 MiB, the API server's own limit). From 1 byte to 16 MiB.</value>
    public int MaxSecretSize { get; set; } = DefaultMaxSecretSize;

    /// <summary>More keys than this across all Secrets and ConfigMaps fail the read (the last good data is kept).</summary>
    /// <value>Default <see cref="DefaultMaxKeys"/>.</value>
    public int MaxKeys { get; set; } = DefaultMaxKeys;

    /// <summary>Whether to trim one trailing <c>\n</c> (or <c>\r\n</c>) of each value, as the volume source does.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool TrimTrailingNewline { get; set; } = true;

    /// <summary>
    /// What a deleted named Secret or ConfigMap does once loaded: by default its keys drop out (the deletion is what the
    /// cluster says). With this set, an <see cref="SecretConfigurationSource.Optional"/> source keeps the deleted object's last
    /// values (and logs a warning) until it comes back; a required source ignores it.
    /// </summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool KeepLastGoodWhenDeleted { get; set; }

    /// <summary>Where the pod's namespace is read from; tests point it elsewhere.</summary>
    internal string NamespaceFile { get; set; } = ServiceAccountNamespaceFile;

    /// <summary>Draws the watch backoff jitter, a number in [0, 1).</summary>
    internal Func<double> WatchRandomizer { get; set; } = SecureRandomizer.Next;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">No Secret or ConfigMap is named or selected, a name is empty, or a setting is out of range.</exception>
    protected override ISecretSource CreateSecretSource() => new KubernetesSecretsReader(KubernetesSourceSettings.From(this));
}
