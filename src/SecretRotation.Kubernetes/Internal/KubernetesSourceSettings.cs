using k8s;

namespace SecretRotation.Kubernetes.Internal;

/// <summary>The validated, frozen settings of one <see cref="KubernetesSecretsSource"/>.</summary>
internal sealed class KubernetesSourceSettings
{
    private const int MaxSecretSizeLimit = 16 * 1024 * 1024;

    public required IReadOnlyList<(ResourceKind Kind, string? Name, string? LabelSelector)> Selections { get; init; }

    public string? Namespace { get; init; }

    public string NamespaceFile { get; init; } = KubernetesSecretsSource.ServiceAccountNamespaceFile;

    public string? KeyPrefix { get; init; }

    public KubernetesClientConfiguration? ClientConfiguration { get; init; }

    public string? KubeconfigPath { get; init; }

    public string? KubeconfigContext { get; init; }

    public bool UseWatch { get; init; }

    public TimeSpan WatchTimeout { get; init; }

    public TimeSpan WatchProgressTimeout { get; init; }

    public TimeSpan MinimumWatchBackoff { get; init; }

    public TimeSpan MaximumWatchBackoff { get; init; }

    public int MaxSecretSize { get; init; }

    public int MaxKeys { get; init; }

    public bool TrimTrailingNewline { get; init; }

    public bool Optional { get; init; }

    public bool KeepLastGoodWhenDeleted { get; init; }

    public required TimeProvider TimeProvider { get; init; }

    public required Func<double> Randomizer { get; init; }

    /// <summary>The longest watch event line or single-object list answer: base64 data, plus metadata (a kubectl last-applied annotation repeats the data).</summary>
    public int MaxLine => (int)Math.Min(int.MaxValue - 64L, (MaxSecretSize * 3L) + (256 * 1024));

    /// <summary>The longest list answer for a label selector (many objects).</summary>
    public long MaxSelectorList => Math.Max(MaxLine, 64L * 1024 * 1024);

    public static KubernetesSourceSettings From(KubernetesSecretsSource source)
    {
        var selections = new List<(ResourceKind, string?, string?)>();
        AddNames(selections, ResourceKind.Secret, source.SecretNames, nameof(source.SecretNames));
        AddSelector(selections, ResourceKind.Secret, source.LabelSelector);
        AddNames(selections, ResourceKind.ConfigMap, source.ConfigMapNames, nameof(source.ConfigMapNames));
        AddSelector(selections, ResourceKind.ConfigMap, source.ConfigMapLabelSelector);
        if (selections.Count == 0)
        {
            throw new ArgumentException("Name at least one Secret (SecretNames) or ConfigMap, or set a LabelSelector.", nameof(source));
        }

        if (source.Namespace is { } ns)
        {
            ValidateName(ns, nameof(source.Namespace));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(source.WatchTimeout, TimeSpan.FromSeconds(10), nameof(source.WatchTimeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(source.WatchTimeout, TimeSpan.FromHours(1), nameof(source.WatchTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(source.WatchProgressTimeout, TimeSpan.Zero, nameof(source.WatchProgressTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(source.MinimumWatchBackoff, TimeSpan.Zero, nameof(source.MinimumWatchBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(source.MaximumWatchBackoff, source.MinimumWatchBackoff, nameof(source.MaximumWatchBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(source.MaxSecretSize, 1, nameof(source.MaxSecretSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(source.MaxSecretSize, MaxSecretSizeLimit, nameof(source.MaxSecretSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(source.MaxKeys, 1, nameof(source.MaxKeys));
        ArgumentNullException.ThrowIfNull(source.TimeProvider);

        return new KubernetesSourceSettings
        {
            Selections = selections,
            Namespace = source.Namespace,
            NamespaceFile = source.NamespaceFile,
            KeyPrefix = source.KeyPrefix,
            ClientConfiguration = source.ClientConfiguration,
            KubeconfigPath = source.KubeconfigPath,
            KubeconfigContext = source.KubeconfigContext,
            UseWatch = source.UseWatch,
            WatchTimeout = source.WatchTimeout,
            WatchProgressTimeout = source.WatchProgressTimeout,
            MinimumWatchBackoff = source.MinimumWatchBackoff,
            MaximumWatchBackoff = source.MaximumWatchBackoff,
            MaxSecretSize = source.MaxSecretSize,
            MaxKeys = source.MaxKeys,
            TrimTrailingNewline = source.TrimTrailingNewline,
            Optional = source.Optional,
            KeepLastGoodWhenDeleted = source.KeepLastGoodWhenDeleted && source.Optional,
            TimeProvider = source.TimeProvider,
            Randomizer = source.WatchRandomizer,
        };
    }

    /// <summary>The client configuration: the one set, else a kubeconfig named, else in-cluster, else the default kubeconfig.</summary>
    public KubernetesClientConfiguration ResolveClientConfiguration()
    {
        if (ClientConfiguration is not null)
        {
            return ClientConfiguration;
        }

        if (KubeconfigPath is not null)
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath, KubeconfigContext);
        }

        return KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile(currentContext: KubeconfigContext);
    }

    /// <summary>The namespace: the one set, else the pod's own, else the configuration's, else <c>default</c>.</summary>
    public string ResolveNamespace(KubernetesClientConfiguration configuration)
    {
        if (Namespace is not null)
        {
            return Namespace;
        }

        if (File.Exists(NamespaceFile))
        {
            var fromFile = File.ReadAllText(NamespaceFile).Trim();
            ValidateName(fromFile, NamespaceFile);
            return fromFile;
        }

        return string.IsNullOrEmpty(configuration.Namespace) ? "default" : configuration.Namespace;
    }

    private static void AddNames(List<(ResourceKind, string?, string?)> selections, ResourceKind kind, IList<string> names, string parameter)
    {
        foreach (var name in names)
        {
            ValidateName(name, parameter);
            if (!selections.Contains((kind, name, null)))
            {
                selections.Add((kind, name, null));
            }
        }
    }

    private static void AddSelector(List<(ResourceKind, string?, string?)> selections, ResourceKind kind, string? selector)
    {
        if (!string.IsNullOrWhiteSpace(selector))
        {
            selections.Add((kind, null, selector));
        }
    }

    /// <summary>A DNS subdomain name (what Secrets, ConfigMaps and namespaces are named): lower-case letters, digits, '-' and '.', at most 253.</summary>
    private static void ValidateName(string? name, string parameter)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 253 || !name.All(static c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.'))
        {
            throw new ArgumentException($"'{(name is null ? "" : KubernetesJson.Truncate(name))}' is not a valid Kubernetes object name (lower-case letters, digits, '-' and '.', at most 253 characters).", parameter);
        }
    }
}
