using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SecretRotation.Testing;

/// <summary>
/// The emulator's state: the objects, one global resource version (as etcd's revision: every write takes the next one), the
/// bounded event history watches start from, and the open watches. Every member runs under <see cref="Gate"/>.
/// </summary>
internal sealed class KubernetesStore(TimeProvider timeProvider, int historyLimit)
{
    private readonly Dictionary<KubernetesObjectKey, JsonObject> _objects = [];
    private readonly LinkedList<KubernetesChange> _history = new();
    private readonly HashSet<KubernetesWatcher> _watchers = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _watchWaiters = [];
    private int _historyLimit = historyLimit;

    public Lock Gate { get; } = new();

    /// <summary>The resource version of the last write.</summary>
    public long ResourceVersion { get; private set; } = 1;

    /// <summary>The oldest resource version a watch may start from: every change after it is still in the history.</summary>
    public long CompactedThrough { get; private set; } = 1;

    public int WatcherCount => _watchers.Count;

    public IReadOnlyCollection<KubernetesWatcher> Watchers => _watchers;

    public int HistoryLimit
    {
        get => _historyLimit;
        set
        {
            _historyLimit = value;
            Trim();
        }
    }

    public JsonObject? Find(KubernetesObjectKey key) => _objects.GetValueOrDefault(key);

    /// <exception cref="KubernetesErrorException">404 when absent.</exception>
    public JsonObject Get(KubernetesObjectKey key) => Find(key) ?? throw KubernetesErrorException.NotFound(key.Resource, key.Name);

    /// <summary>The objects of a resource, in one namespace or all, ordered as etcd's keys (namespace, then name).</summary>
    public IEnumerable<(KubernetesObjectKey Key, JsonObject Object)> All(KubernetesResource resource, string? ns) =>
        _objects
            .Where(pair => pair.Key.Resource == resource && (ns is null || pair.Key.Namespace == ns))
            .OrderBy(pair => pair.Key.Namespace, StringComparer.Ordinal)
            .ThenBy(pair => pair.Key.Name, StringComparer.Ordinal)
            .Select(pair => (pair.Key, pair.Value));

    /// <summary>Stores a new object (normalized by <see cref="KubernetesObjects.Normalize"/>) and tells the watches.</summary>
    /// <exception cref="KubernetesErrorException">409 <c>AlreadyExists</c>.</exception>
    public JsonObject Create(KubernetesResource resource, JsonObject normalized)
    {
        var key = KeyOf(resource, normalized);
        if (_objects.ContainsKey(key))
        {
            throw KubernetesErrorException.AlreadyExists(resource, key.Name);
        }

        var stored = KubernetesObjects.Stamp(
            normalized, Guid.NewGuid().ToString("D"), ResourceVersion + 1, KubernetesObjects.FormatTime(timeProvider.GetUtcNow()));
        Commit(new KubernetesChange(++ResourceVersion, "ADDED", key, null, stored));
        return stored;
    }

    /// <summary>Replaces an object, keeping its uid and creation time; an update that changes nothing keeps the resource version and tells nobody.</summary>
    /// <param name="resource">The resource.</param>
    /// <param name="normalized">The new content, normalized.</param>
    /// <param name="expectedVersion">The <c>metadata.resourceVersion</c> the client sent (optimistic concurrency), or <see langword="null"/> for an unconditional update.</param>
    /// <exception cref="KubernetesErrorException">404 when absent, 409 <c>Conflict</c> on a stale version, 422 for a change to an immutable field.</exception>
    public JsonObject Update(KubernetesResource resource, JsonObject normalized, string? expectedVersion)
    {
        var key = KeyOf(resource, normalized);
        var existing = Get(key);
        if (expectedVersion is { Length: > 0 } && expectedVersion != KubernetesObjects.ResourceVersionOf(existing))
        {
            throw KubernetesErrorException.Conflict(resource, key.Name);
        }

        var metadata = (JsonObject)existing["metadata"]!;
        var candidate = KubernetesObjects.Stamp(
            normalized,
            metadata["uid"]!.GetValue<string>(),
            long.Parse(KubernetesObjects.ResourceVersionOf(existing)!, System.Globalization.CultureInfo.InvariantCulture),
            metadata["creationTimestamp"]!.GetValue<string>());
        KubernetesObjects.ValidateUpdate(resource, existing, candidate);
        if (KubernetesObjects.SameContent(existing, candidate))
        {
            return existing;
        }

        var stored = KubernetesObjects.WithResourceVersion(candidate, ResourceVersion + 1);
        Commit(new KubernetesChange(++ResourceVersion, "MODIFIED", key, existing, stored));
        return stored;
    }

    /// <summary>Deletes an object; the DELETED event carries its last state with the deletion's resource version.</summary>
    /// <exception cref="KubernetesErrorException">404 when absent, 409 <c>Conflict</c> when a precondition's version is stale.</exception>
    public JsonObject Delete(KubernetesObjectKey key, string? expectedVersion)
    {
        var existing = Get(key);
        if (expectedVersion is { Length: > 0 } && expectedVersion != KubernetesObjects.ResourceVersionOf(existing))
        {
            throw KubernetesErrorException.Conflict(key.Resource, key.Name);
        }

        var last = KubernetesObjects.WithResourceVersion(existing, ResourceVersion + 1);
        Commit(new KubernetesChange(++ResourceVersion, "DELETED", key, existing, last));
        return existing;
    }

    /// <summary>The objects as they were at <paramref name="resourceVersion"/>, rebuilt from the history (a list with <c>resourceVersionMatch=Exact</c>).</summary>
    /// <exception cref="KubernetesErrorException">410 when the history no longer reaches back that far.</exception>
    public Dictionary<KubernetesObjectKey, JsonObject> StateAt(long resourceVersion)
    {
        if (resourceVersion < CompactedThrough)
        {
            throw TooOld(resourceVersion);
        }

        var state = new Dictionary<KubernetesObjectKey, JsonObject>(_objects);
        for (var node = _history.Last; node is not null && node.Value.ResourceVersion > resourceVersion; node = node.Previous)
        {
            var change = node.Value;
            if (change.Previous is null)
            {
                state.Remove(change.Key);
            }
            else
            {
                state[change.Key] = change.Previous;
            }
        }

        return state;
    }

    /// <summary>The changes after <paramref name="resourceVersion"/>, oldest first.</summary>
    /// <exception cref="KubernetesErrorException">410 <c>Expired</c> when some were compacted away.</exception>
    public IEnumerable<KubernetesChange> ChangesAfter(long resourceVersion)
    {
        if (resourceVersion < CompactedThrough)
        {
            throw TooOld(resourceVersion);
        }

        return _history.Where(change => change.ResourceVersion > resourceVersion).ToList();
    }

    /// <summary>410 <c>Expired</c> in the watch cache's words.</summary>
    public KubernetesErrorException TooOld(long resourceVersion) =>
        KubernetesErrorException.Expired($"too old resource version: {resourceVersion} ({CompactedThrough})");

    /// <summary>Drops the whole history: a watch or exact list from any earlier version gets 410.</summary>
    public void Compact()
    {
        _history.Clear();
        CompactedThrough = ResourceVersion;
    }

    /// <exception cref="KubernetesErrorException">429 when <paramref name="max"/> watches are open.</exception>
    public void AddWatcher(KubernetesWatcher watcher, int max)
    {
        if (_watchers.Count >= max)
        {
            throw new KubernetesErrorException(StatusCodes.Status429TooManyRequests, "TooManyRequests", "Too many requests, please try again later.");
        }

        _watchers.Add(watcher);
        for (var i = _watchWaiters.Count - 1; i >= 0; i--)
        {
            if (_watchers.Count >= _watchWaiters[i].Count)
            {
                _watchWaiters[i].Signal.TrySetResult();
                _watchWaiters.RemoveAt(i);
            }
        }
    }

    public void RemoveWatcher(KubernetesWatcher watcher) => _watchers.Remove(watcher);

    /// <summary>Completes once at least <paramref name="count"/> watches are open.</summary>
    public Task WhenWatching(int count)
    {
        if (_watchers.Count >= count)
        {
            return Task.CompletedTask;
        }

        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _watchWaiters.Add((count, signal));
        return signal.Task;
    }

    /// <summary>Five characters of the API server's <c>generateName</c> alphabet.</summary>
    public static string GeneratedSuffix()
    {
        const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }
        });
    }

    private static KubernetesObjectKey KeyOf(KubernetesResource resource, JsonObject obj) =>
        new(resource, obj["metadata"]!["namespace"]!.GetValue<string>(), KubernetesObjects.NameOf(obj));

    private void Commit(KubernetesChange change)
    {
        if (change.Type == "DELETED")
        {
            _objects.Remove(change.Key);
        }
        else
        {
            _objects[change.Key] = change.Object;
        }

        _history.AddLast(change);
        Trim();
        foreach (var watcher in _watchers)
        {
            watcher.Offer(change);
        }
    }

    private void Trim()
    {
        while (_history.Count > Math.Max(0, _historyLimit))
        {
            CompactedThrough = _history.First!.Value.ResourceVersion;
            _history.RemoveFirst();
        }
    }
}
