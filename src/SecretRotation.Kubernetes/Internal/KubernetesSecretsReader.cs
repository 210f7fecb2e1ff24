using System.Globalization;
using Microsoft.Extensions.Logging;
using SecretRotation.Shared;

namespace SecretRotation.Kubernetes.Internal;

/// <summary>
/// The <see cref="ISecretSource"/> over the API: one <see cref="ResourceWatcher"/> per named object or label selector. A read
/// that only the watch asked for is served from the watchers' caches (no request); the first load, polls, retries and manual
/// refreshes list (so the poll stays a safety net that also notices a watch that missed something).
/// </summary>
internal sealed class KubernetesSecretsReader : ISecretSource
{
    private readonly KubernetesSourceSettings _settings;
    private readonly Lock _gate = new();
    private readonly Dictionary<(ResourceKind, string), KubernetesObject> _lastGood = [];
    private readonly HashSet<(ResourceKind, string)> _keptWarned = [];
    private KubernetesApi? _api;
    private List<ResourceWatcher>? _watchers;
    private Action? _changed;
    private bool _disposed;

    public KubernetesSecretsReader(KubernetesSourceSettings settings)
    {
        _settings = settings;
        var ns = settings.Namespace ?? "(pod namespace)";
        Name = "kubernetes:" + ns + "/" + string.Join(',', settings.Selections.Select(static s =>
            (s.Kind == ResourceKind.Secret ? "secret/" : "configmap/") + (s.Name ?? "{" + s.LabelSelector + "}")));
    }

    public string Name { get; }

    /// <summary>The watchers, once the first read created them; for tests and benchmarks.</summary>
    internal IReadOnlyList<ResourceWatcher> Watchers
    {
        get
        {
            lock (_gate)
            {
                return _watchers ?? [];
            }
        }
    }

    public IDisposable? Watch(Action changed)
    {
        if (!_settings.UseWatch)
        {
            return null;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _changed = changed;
            foreach (var watcher in _watchers ?? [])
            {
                watcher.Start(ReportChange);
            }
        }

        return new Subscription(this);
    }

    public async Task<SecretSet> ReadAsync(SecretReadRequest request, CancellationToken cancellationToken)
    {
        var watchers = EnsureStarted(request.Logger);
        var fromCache = request.Triggers == RefreshTriggers.Watcher && watchers.All(static w => w.IsSynced);
        var results = new IReadOnlyDictionary<string, KubernetesObject>[watchers.Count];
        if (fromCache)
        {
            for (var i = 0; i < watchers.Count; i++)
            {
                results[i] = watchers[i].Snapshot()!;
            }
        }
        else
        {
            var lists = watchers.Select(w => w.ListAsync(request.IsPollOnly, cancellationToken)).ToArray();
            await Task.WhenAll(lists).ConfigureAwait(false);
            for (var i = 0; i < lists.Length; i++)
            {
                results[i] = await lists[i].ConfigureAwait(false);
            }
        }

        var set = Build(request, watchers, results);
        return SameValues(request.Previous, set) ? request.Previous : set;
    }

    public void Dispose()
    {
        List<ResourceWatcher>? watchers;
        KubernetesApi? api;
        lock (_gate)
        {
            _disposed = true;
            watchers = _watchers;
            api = _api;
            _changed = null;
        }

        foreach (var watcher in watchers ?? [])
        {
            watcher.Dispose();
        }

        // In-flight requests see their cancellation; the handler goes with the client.
        api?.Dispose();
    }

    private List<ResourceWatcher> EnsureStarted(ILogger logger)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_watchers is null)
            {
                // Resolved at the first read, so a missing kubeconfig is a read failure (an optional source keeps retrying).
                var configuration = _settings.ResolveClientConfiguration();
                var ns = _settings.ResolveNamespace(configuration);
                _api = new KubernetesApi(configuration);
                _watchers = [.. _settings.Selections.Select(s => new ResourceWatcher(new ResourceQuery(s.Kind, ns, s.Name, s.LabelSelector), _api, _settings))];
                if (_changed is not null)
                {
                    foreach (var watcher in _watchers)
                    {
                        watcher.Logger = logger;
                        watcher.Start(ReportChange);
                    }
                }
            }

            foreach (var watcher in _watchers)
            {
                watcher.Logger = logger;
            }

            return _watchers;
        }
    }

    private SecretSet Build(SecretReadRequest request, List<ResourceWatcher> watchers, IReadOnlyDictionary<string, KubernetesObject>[] results)
    {
        var seen = new HashSet<(ResourceKind, string)>();
        var objects = new List<(ResourceQuery Query, KubernetesObject Object)>();
        for (var i = 0; i < watchers.Count; i++)
        {
            var query = watchers[i].Query;
            if (query.Name is not null && !results[i].ContainsKey(query.Name))
            {
                if (request.Triggers.HasFlag(RefreshTriggers.Initial) && !_settings.Optional)
                {
                    throw new KeyNotFoundException($"{query.Description} does not exist (or the list did not return it).");
                }

                if (_settings.KeepLastGoodWhenDeleted && _lastGood.TryGetValue((query.Kind, query.Name), out var kept))
                {
                    if (_keptWarned.Add((query.Kind, query.Name)))
                    {
                        KubernetesLog.KeptDeleted(request.Logger, query.Description);
                    }

                    objects.Add((query, kept));
                    seen.Add((query.Kind, query.Name));
                }

                continue;
            }

            foreach (var obj in results[i].Values.OrderBy(static o => o.Name, StringComparer.Ordinal))
            {
                if (seen.Add((query.Kind, obj.Name)))
                {
                    objects.Add((query, obj));
                }
            }
        }

        var entries = new Dictionary<string, SecretEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var (query, obj) in objects)
        {
            var description = query.Name is not null ? query.Description : $"{query.Kind} '{query.Namespace}/{obj.Name}'";
            if (obj.Problem is not null)
            {
                throw new InvalidDataException($"{description} {obj.Problem}.");
            }

            foreach (var (key, bytes) in obj.Data.OrderBy(static d => d.Key, StringComparer.Ordinal))
            {
                if (SecretKeyRules.IsHidden(key))
                {
                    continue;
                }

                var configurationKey = SecretKeyRules.WithPrefix(_settings.KeyPrefix, SecretKeyRules.FromSegment(key));
                if (!entries.TryAdd(configurationKey, new SecretEntry(SecretKeyRules.Decode(bytes, _settings.TrimTrailingNewline), obj.ResourceVersion)))
                {
                    throw new InvalidDataException($"Two keys map to the configuration key '{configurationKey}' (the second in {description}).");
                }

                if (entries.Count > _settings.MaxKeys)
                {
                    throw new InvalidDataException($"The source holds more than MaxKeys ({_settings.MaxKeys.ToString(CultureInfo.InvariantCulture)}) keys.");
                }
            }

            if (query.Name is not null)
            {
                _lastGood[(query.Kind, query.Name)] = obj;
                _keptWarned.Remove((query.Kind, query.Name));
            }
        }

        return new SecretSet(entries);
    }

    private static bool SameValues(SecretSet previous, SecretSet next)
    {
        if (previous.Count != next.Count)
        {
            return false;
        }

        foreach (var (key, entry) in next)
        {
            if (!previous.TryGetValue(key, out var old) || !string.Equals(old.Value, entry.Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>What the watchers call on a data change: the current subscriber, if any (none after the engine unsubscribed).</summary>
    private void ReportChange() => Volatile.Read(ref _changed)?.Invoke();

    private void Unsubscribe()
    {
        lock (_gate)
        {
            _changed = null;
        }
    }

    private sealed class Subscription(KubernetesSecretsReader reader) : IDisposable
    {
        public void Dispose() => reader.Unsubscribe();
    }
}
