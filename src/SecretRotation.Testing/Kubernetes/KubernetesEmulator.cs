using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecretRotation.Testing;

/// <summary>
/// A loopback Kubernetes API server for Secrets and ConfigMaps (core/v1), for tests of code that reads them through the API:
/// HTTPS on <c>127.0.0.1</c> with a certificate made at start-up, bearer tokens with RBAC rules, get, list, watch, create, update,
/// patch and delete with the API server's resource-version semantics, watch streams framed as the API server frames them, and
/// <c>Status</c> errors worded as it words them. Tests arrange objects directly, inject faults, break or stall watches, compact the
/// history and read the request log.
/// </summary>
/// <remarks>
/// <para>Paths: <c>/api/v1/namespaces/{ns}/secrets[/{name}]</c>, <c>/api/v1/secrets</c> (every namespace), the same for
/// <c>configmaps</c>, the deprecated <c>/api/v1/watch/...</c> forms, and discovery (<c>/api</c>, <c>/api/v1</c>, <c>/apis</c>,
/// <c>/version</c>). Namespaces need not be created.</para>
/// <para>Resource versions: one global counter, as etcd's revision; each write takes the next value, an update that changes nothing
/// keeps it. A watch from <c>resourceVersion</c> unset or <c>"0"</c> starts with a synthetic <c>ADDED</c> event per existing object;
/// from a version, with every change after it; from a version older than the history (see
/// <see cref="KubernetesEmulatorOptions.EventHistoryLimit"/> and <see cref="Compact"/>) it answers 200 and one <c>ERROR</c> event
/// carrying a 410 <c>Expired</c> status, as the API server's watch cache does. A version newer than the newest is answered at once
/// with 504 <c>Too large resource version</c> (the API server first waits up to 3 seconds).</para>
/// <para>Authentication: <c>Authorization: Bearer</c> with <see cref="AdminToken"/> or a token from
/// <see cref="CreateServiceAccountToken"/>; anything else is 401 (anonymous requests are not allowed).</para>
/// <para>Each emulator in a process listens on a port no earlier emulator (of any kind) in that process used.</para>
/// </remarks>
public sealed class KubernetesEmulator : IAsyncDisposable
{
    private readonly KubernetesStore _store;
    private readonly KubernetesSettings _settings;
    private readonly FaultInjector<KubernetesFault> _faults = new(KubernetesRequestHandler.IsUnder);
    private readonly RequestLog<KubernetesRequest> _log = new();
    private readonly ConcurrentDictionary<string, KubernetesIdentity> _tokens = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly KubernetesRequestHandler _handler;
    private readonly LoopbackHost _host;

    private KubernetesEmulator(KubernetesEmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.TimeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Latency, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.BookmarkInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.DefaultWatchTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(options.EventHistoryLimit);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxWatches, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WatchBufferLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxRequestBodyBytes, 1);
        if (options.AdminToken is { Length: 0 })
        {
            throw new ArgumentException("The admin token must not be empty.", nameof(options));
        }

        _host = new LoopbackHost(useHttps: true, options.Latency);
        _settings = new KubernetesSettings(options, () => _host.Latency);
        _store = new KubernetesStore(options.TimeProvider, options.EventHistoryLimit);
        AdminToken = options.AdminToken ?? RandomToken();
        _tokens[AdminToken] = new KubernetesIdentity("kubernetes-admin", IsAdmin: true, []);
        _handler = new KubernetesRequestHandler(_store, _settings, _faults, _log, Authenticate, _shutdown.Token);
    }

    /// <summary>The API server's address, <c>https://127.0.0.1:{port}/</c>.</summary>
    public Uri Address => _host.Address;

    /// <summary>The TLS certificate (public part only): the certificate authority a client must trust, as in a kubeconfig's <c>certificate-authority-data</c>.</summary>
    public X509Certificate2 Certificate => _host.Certificate!;

    /// <summary>The administrator's bearer token (user <c>kubernetes-admin</c>), which RBAC allows everything.</summary>
    public string AdminToken { get; }

    /// <summary>Delay added to every request before it is answered (real time); starts at <see cref="KubernetesEmulatorOptions.Latency"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan Latency
    {
        get => _host.Latency;
        set => _host.Latency = value;
    }

    /// <summary>How often watches opened from now on with <c>allowWatchBookmarks=true</c> get a <c>BOOKMARK</c>; starts at <see cref="KubernetesEmulatorOptions.BookmarkInterval"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan BookmarkInterval
    {
        get => _settings.BookmarkInterval;
        set => _settings.BookmarkInterval = value;
    }

    /// <summary>How many events the history keeps; lowering it compacts at once. Starts at <see cref="KubernetesEmulatorOptions.EventHistoryLimit"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int EventHistoryLimit
    {
        get
        {
            lock (_store.Gate)
            {
                return _store.HistoryLimit;
            }
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            lock (_store.Gate)
            {
                _store.HistoryLimit = value;
            }
        }
    }

    /// <summary>The resource version of the last write (the one a list made now reports).</summary>
    public string ResourceVersion
    {
        get
        {
            lock (_store.Gate)
            {
                return KubernetesObjects.FormatVersion(_store.ResourceVersion);
            }
        }
    }

    /// <summary>How many watch streams are open now.</summary>
    public int ActiveWatchCount
    {
        get
        {
            lock (_store.Gate)
            {
                return _store.WatcherCount;
            }
        }
    }

    /// <summary>Every request answered so far (oldest first), including injected faults and rejected ones; a watch is listed when its stream starts.</summary>
    public IReadOnlyList<KubernetesRequest> Requests => _log.Snapshot();

    /// <summary>Starts an emulator on a free loopback port.</summary>
    /// <param name="options">Settings; default <see langword="null"/> for the defaults of <see cref="KubernetesEmulatorOptions"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static async Task<KubernetesEmulator> StartAsync(KubernetesEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var emulator = new KubernetesEmulator(options ?? new KubernetesEmulatorOptions());
        return await emulator._host.StartOwnedAsync(emulator, emulator._handler.HandleAsync, cancellationToken);
    }

    /// <summary>A new handler whose TLS validation accepts exactly <see cref="Certificate"/>, for clients built by hand. The caller owns it.</summary>
    public HttpMessageHandler CreateTrustingHandler()
    {
        ObjectDisposedException.ThrowIf(_host.IsDisposed, this);
        return _host.CreateTrustingHandler();
    }

    /// <summary>
    /// A kubeconfig (YAML) for this emulator: one cluster (<see cref="Address"/>, <see cref="Certificate"/> as
    /// <c>certificate-authority-data</c>), one user with <paramref name="token"/>, and a current context named <c>emulator</c>.
    /// </summary>
    /// <param name="token">The bearer token, e.g. <see cref="AdminToken"/> or one from <see cref="CreateServiceAccountToken"/>.</param>
    /// <param name="namespace">The context's namespace; default <c>default</c>.</param>
    public string CreateKubeconfig(string token, string @namespace = "default")
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        var authority = Convert.ToBase64String(Encoding.ASCII.GetBytes(Certificate.ExportCertificatePem()));
        var server = Address.GetLeftPart(UriPartial.Authority);
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: emulator
              cluster:
                server: {server}
                certificate-authority-data: {authority}
            users:
            - name: emulator
              user:
                token: {token}
            contexts:
            - name: emulator
              context:
                cluster: emulator
                user: emulator
                namespace: {@namespace}
            current-context: emulator

            """;
    }

    /// <summary>
    /// Creates a token for the service account <c>system:serviceaccount:{namespace}:{name}</c> that RBAC grants
    /// <paramref name="rules"/>. The token is JWT-shaped (its payload carries the <c>kubernetes.io</c> namespace and service-account
    /// claims of a projected token) but only this emulator accepts it.
    /// </summary>
    /// <param name="namespace">The service account's namespace.</param>
    /// <param name="name">The service account's name.</param>
    /// <param name="rules">What the account may do; none for nothing.</param>
    /// <returns>The bearer token.</returns>
    public string CreateServiceAccountToken(string @namespace, string name, params IEnumerable<KubernetesRbacRule> rules)
    {
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(rules);
        var ruleList = rules.ToList();
        foreach (var rule in ruleList)
        {
            ArgumentNullException.ThrowIfNull(rule, nameof(rules));
            ArgumentNullException.ThrowIfNull(rule.Verbs, nameof(rules));
            ArgumentNullException.ThrowIfNull(rule.Resources, nameof(rules));
            ArgumentNullException.ThrowIfNull(rule.ResourceNames, nameof(rules));
        }

        var user = $"system:serviceaccount:{@namespace}:{name}";
        var payload = new JsonObject
        {
            ["aud"] = new JsonArray("https://kubernetes.default.svc.cluster.local"),
            ["iss"] = "https://kubernetes.default.svc.cluster.local",
            ["sub"] = user,
            ["kubernetes.io"] = new JsonObject
            {
                ["namespace"] = @namespace,
                ["serviceaccount"] = new JsonObject { ["name"] = name, ["uid"] = Guid.NewGuid().ToString("D") },
            },
        };
        var token = string.Join(
            '.',
            Base64Url(JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["alg"] = "RS256", ["kid"] = "secretrotation-emulator" })),
            Base64Url(JsonSerializer.SerializeToUtf8Bytes(payload)),
            Base64Url(RandomNumberGenerator.GetBytes(32)));
        _tokens[token] = new KubernetesIdentity(user, IsAdmin: false, ruleList);
        return token;
    }

    /// <summary>Revokes a token: its next request is answered 401. Open watches go on, as on the API server.</summary>
    /// <param name="token">The token.</param>
    /// <returns><see langword="true"/> when the token was known.</returns>
    public bool RevokeToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _tokens.TryRemove(token, out _);
    }

    /// <summary>Creates or replaces a Secret (type <c>Opaque</c>) without going through HTTP or RBAC; watches see ADDED or MODIFIED.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <param name="data">The data, as <c>stringData</c> (stored UTF-8, base64 in <c>data</c>).</param>
    /// <param name="labels">The labels; default none. Changing only them is a metadata-only update (MODIFIED, new resource version).</param>
    /// <returns>The object's new resource version (unchanged when nothing changed).</returns>
    /// <exception cref="ArgumentException">The name or a key is not valid for the API server.</exception>
    public string SetSecret(string @namespace, string name, IReadOnlyDictionary<string, string> data, IReadOnlyDictionary<string, string>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return SetSecret(@namespace, name, data.ToDictionary(pair => pair.Key, pair => Encoding.UTF8.GetBytes(pair.Value), StringComparer.Ordinal), labels);
    }

    /// <summary>Creates or replaces a Secret (type <c>Opaque</c>) with binary values, without going through HTTP or RBAC.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <param name="data">The data (stored base64 in <c>data</c>).</param>
    /// <param name="labels">The labels; default none.</param>
    /// <returns>The object's new resource version (unchanged when nothing changed).</returns>
    /// <exception cref="ArgumentException">The name or a key is not valid for the API server.</exception>
    public string SetSecret(string @namespace, string name, IReadOnlyDictionary<string, byte[]> data, IReadOnlyDictionary<string, string>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var encoded = new JsonObject();
        foreach (var (key, value) in data)
        {
            encoded[key] = Convert.ToBase64String(value);
        }

        return Set(KubernetesResource.Secrets, @namespace, name, labels, obj =>
        {
            obj["data"] = encoded;
            obj["type"] = "Opaque";
        });
    }

    /// <summary>Creates or replaces a ConfigMap without going through HTTP or RBAC; watches see ADDED or MODIFIED.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <param name="data">The <c>data</c>.</param>
    /// <param name="labels">The labels; default none.</param>
    /// <returns>The object's new resource version (unchanged when nothing changed).</returns>
    /// <exception cref="ArgumentException">The name or a key is not valid for the API server.</exception>
    public string SetConfigMap(string @namespace, string name, IReadOnlyDictionary<string, string> data, IReadOnlyDictionary<string, string>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var values = new JsonObject();
        foreach (var (key, value) in data)
        {
            values[key] = value;
        }

        return Set(KubernetesResource.ConfigMaps, @namespace, name, labels, obj => obj["data"] = values);
    }

    /// <summary>Deletes a Secret without going through HTTP; watches see DELETED.</summary>
    /// <returns><see langword="true"/> when it existed.</returns>
    public bool DeleteSecret(string @namespace, string name) => Delete(KubernetesResource.Secrets, @namespace, name);

    /// <summary>Deletes a ConfigMap without going through HTTP; watches see DELETED.</summary>
    /// <returns><see langword="true"/> when it existed.</returns>
    public bool DeleteConfigMap(string @namespace, string name) => Delete(KubernetesResource.ConfigMaps, @namespace, name);

    /// <summary>Reads a Secret without going through HTTP.</summary>
    /// <returns>The Secret, or <see langword="null"/> when there is none.</returns>
    public KubernetesObjectSnapshot? GetSecret(string @namespace, string name) => Get(KubernetesResource.Secrets, @namespace, name);

    /// <summary>Reads a ConfigMap without going through HTTP.</summary>
    /// <returns>The ConfigMap, or <see langword="null"/> when there is none.</returns>
    public KubernetesObjectSnapshot? GetConfigMap(string @namespace, string name) => Get(KubernetesResource.ConfigMaps, @namespace, name);

    /// <summary>
    /// Drops the whole event history, as an etcd compaction does: a watch (or an exact or continued list) from any version before
    /// <see cref="ResourceVersion"/> gets 410 <c>Expired</c>. Open watches go on.
    /// </summary>
    public void Compact()
    {
        lock (_store.Gate)
        {
            _store.Compact();
        }
    }

    /// <summary>
    /// Breaks the watch streams open now (new ones are not affected): ends them cleanly, drops their connections, stalls them, or
    /// expires them with a 410 ERROR event.
    /// </summary>
    /// <param name="how">How to break them.</param>
    /// <returns>How many streams were broken.</returns>
    public int BreakWatches(KubernetesWatchBreak how)
    {
        List<KubernetesWatcher> watchers;
        lock (_store.Gate)
        {
            watchers = [.. _store.Watchers.Where(watcher => watcher.BreakMode is null && !watcher.IsClosed)];
            if (how == KubernetesWatchBreak.Expire)
            {
                _store.Compact();
                foreach (var watcher in watchers)
                {
                    watcher.OfferErrorAndClose(KubernetesErrorException.Expired("The resourceVersion for the provided watch is too old."));
                }

                return watchers.Count;
            }
        }

        foreach (var watcher in watchers)
        {
            watcher.Break(how);
        }

        return watchers.Count;
    }

    /// <summary>Completes once at least <paramref name="count"/> watch streams are open (a signal for tests: the client is watching).</summary>
    /// <param name="count">How many; default 1.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public Task WaitForWatchesAsync(int count = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Task signal;
        lock (_store.Gate)
        {
            signal = _store.WhenWatching(count);
        }

        return signal.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Adds a fault: matching requests fail, are delayed, or (watches) stall; see <see cref="KubernetesFault"/>. Faults apply in the
    /// order added; the first match wins.
    /// </summary>
    /// <param name="fault">The fault.</param>
    /// <exception cref="ArgumentOutOfRangeException">The fault's count is not positive, or its latency is negative.</exception>
    public void InjectFault(KubernetesFault fault) => _faults.Add(fault);

    /// <summary>Removes every injected fault.</summary>
    public void ClearFaults() => _faults.Clear();

    /// <summary>Empties <see cref="Requests"/>.</summary>
    public void ClearRequests() => _log.Clear();

    /// <summary>Ends every watch stream and stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_host.IsDisposed)
        {
            return;
        }

        await _shutdown.CancelAsync();
        await _host.DisposeAsync();
        _shutdown.Dispose();
    }

    private static string RandomToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private KubernetesIdentity? Authenticate(string token) => _tokens.GetValueOrDefault(token);

    private string Set(KubernetesResource resource, string ns, string name, IReadOnlyDictionary<string, string>? labels, Action<JsonObject> fill)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns };
        if (labels is { Count: > 0 })
        {
            metadata["labels"] = new JsonObject(labels.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value)));
        }

        var body = new JsonObject { ["kind"] = resource.Kind, ["apiVersion"] = "v1", ["metadata"] = metadata };
        fill(body);
        try
        {
            lock (_store.Gate)
            {
                var normalized = KubernetesObjects.Normalize(resource, ns, body, urlName: name, KubernetesStore.GeneratedSuffix);
                var stored = _store.Find(new KubernetesObjectKey(resource, ns, name)) is null
                    ? _store.Create(resource, normalized)
                    : _store.Update(resource, normalized, expectedVersion: null);
                return KubernetesObjects.ResourceVersionOf(stored)!;
            }
        }
        catch (KubernetesErrorException error)
        {
            throw new ArgumentException(error.Message, nameof(name), error);
        }
    }

    private bool Delete(KubernetesResource resource, string ns, string name)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(name);
        lock (_store.Gate)
        {
            var key = new KubernetesObjectKey(resource, ns, name);
            if (_store.Find(key) is null)
            {
                return false;
            }

            _store.Delete(key, expectedVersion: null);
            return true;
        }
    }

    private KubernetesObjectSnapshot? Get(KubernetesResource resource, string ns, string name)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(name);
        JsonObject? obj;
        lock (_store.Gate)
        {
            obj = _store.Find(new KubernetesObjectKey(resource, ns, name));
        }

        if (obj is null)
        {
            return null;
        }

        var metadata = obj["metadata"]!;
        return new KubernetesObjectSnapshot(
            resource.Kind,
            ns,
            name,
            metadata["uid"]!.GetValue<string>(),
            metadata["resourceVersion"]!.GetValue<string>(),
            KubernetesObjects.StringMap(obj, "labels"),
            KubernetesObjects.DecodeData(obj));
    }
}
