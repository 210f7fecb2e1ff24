using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace SecretRotation.Testing;

/// <summary>
/// A loopback HashiCorp Vault for tests: the <c>/v1/</c> HTTP API on <c>127.0.0.1</c> (plain HTTP, or HTTPS with a certificate made
/// at start-up) with Vault's envelopes, error bodies and status codes for KV v1 and v2, token lookup and renewal, Kubernetes and
/// AppRole logins, leases and dynamic database credentials. Token and lease TTLs follow a <see cref="TimeProvider"/>, so a fake
/// clock expires them. Tests arrange state directly, seal the Vault, inject faults and latency, and read the request log.
/// </summary>
/// <remarks>
/// <para>Mounts at start: <c>secret/</c> (KV v2), <c>auth/token/</c> and <c>sys/</c>. <see cref="MountKv"/> adds or replaces KV
/// mounts; the role methods mount <c>auth/kubernetes/</c>, <c>auth/approle/</c> and <c>database/</c> on first use.</para>
/// <para>Tokens: <c>X-Vault-Token</c> or <c>Authorization: Bearer</c>. A request without one gets 403 <c>permission denied</c>;
/// an unknown, expired or revoked token 403 <c>2 errors occurred: permission denied, invalid token</c>; a path outside the token's
/// policies 403 <c>1 error occurred: permission denied</c>. <see cref="RootToken"/> may do anything and never expires.</para>
/// <para>Policies are path lists (<see cref="SetPolicy"/>) with Vault's <c>*</c> and <c>+</c> globs; every capability is
/// granted on a listed path. <c>default</c> is Vault's built-in default policy (lookup-self, renew-self, revoke-self,
/// <c>sys/leases/renew</c> and <c>sys/leases/lookup</c>...) and is attached to every token but root ones.</para>
/// <para>Leases belong to the token that read the credentials: revoking it, or its expiry, revokes them, as Vault does.</para>
/// <para><c>X-Vault-Namespace</c> is accepted and recorded (<see cref="VaultRequest.Namespace"/>) but otherwise ignored.</para>
/// <para>Each emulator in a process listens on a port no earlier emulator (of either kind) in that process used, so client state
/// kept per <c>host:port</c> never carries over from one emulator to the next.</para>
/// </remarks>
public sealed class VaultEmulator : IAsyncDisposable
{
    private readonly VaultState _state;
    private readonly FaultInjector<VaultFault> _faults = new(VaultRequestHandler.IsUnder);
    private readonly RequestLog<VaultRequest> _log = new();
    private readonly VaultRequestHandler _handler;
    private readonly LoopbackHost _host;
    private int _sealed;

    private VaultEmulator(VaultEmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.TimeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Latency, TimeSpan.Zero);
        if (options.RootToken is { Length: 0 })
        {
            throw new ArgumentException("The root token must not be empty.", nameof(options));
        }

        _state = new VaultState(options.TimeProvider, options.RootToken ?? VaultRandom.ServiceToken());
        _host = new LoopbackHost(options.UseHttps, options.Latency);
        _handler = new VaultRequestHandler(_state, _faults, _log, () => _host.Latency, () => Sealed, VaultRandom.Uuid());
    }

    /// <summary>The Vault address, <c>http://127.0.0.1:{port}/</c> or <c>https://127.0.0.1:{port}/</c>; the API is under <c>v1/</c>.</summary>
    public Uri Address => _host.Address;

    /// <summary>The root token: policy <c>root</c>, no TTL, not renewable (<c>renew-self</c> answers 400 <c>lease not found</c>).</summary>
    public string RootToken => _state.Root.Id;

    /// <summary>The TLS certificate (public part only) in HTTPS mode, or <see langword="null"/> for plain HTTP.</summary>
    public X509Certificate2? Certificate => _host.Certificate;

    /// <summary>Delay added to every request before it is answered (real time); starts at <see cref="VaultEmulatorOptions.Latency"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan Latency
    {
        get => _host.Latency;
        set => _host.Latency = value;
    }

    /// <summary>
    /// Whether the Vault is sealed: every request then gets 503 <c>{"errors":["Vault is sealed"]}</c>, except <c>sys/health</c>,
    /// which answers 503 with <c>"sealed": true</c>. State is kept; unsealing resumes service.
    /// </summary>
    public bool Sealed
    {
        get => Volatile.Read(ref _sealed) != 0;
        set => Volatile.Write(ref _sealed, value ? 1 : 0);
    }

    /// <summary>Every request answered so far (oldest first), including injected faults and rejected ones.</summary>
    public IReadOnlyList<VaultRequest> Requests => _log.Snapshot();

    /// <summary>The database-credential leases that are alive now by the emulator clock (expired ones are dropped first).</summary>
    public IReadOnlyList<VaultLease> ActiveLeases
    {
        get
        {
            lock (_state.Gate)
            {
                _state.Sweep();
                return [.. _state.Leases.Select(lease => lease.Lease).OrderBy(lease => lease.IssueTime)];
            }
        }
    }

    /// <summary>
    /// Failures of database roles' statements (<see cref="VaultDatabaseRoleOptions.ExecuteAsync"/>): creations and renewals that
    /// failed, and revocations that failed every attempt. Each names the operation and user; the driver's exception is the inner one.
    /// </summary>
    public IReadOnlyList<Exception> DatabaseFailures => _state.Database.Failures;

    /// <summary>Starts an emulator on a free loopback port.</summary>
    /// <param name="options">Settings; default <see langword="null"/> for the defaults of <see cref="VaultEmulatorOptions"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop it.</returns>
    public static async Task<VaultEmulator> StartAsync(VaultEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var emulator = new VaultEmulator(options ?? new VaultEmulatorOptions());
        return await emulator._host.StartOwnedAsync(emulator, emulator._handler.HandleAsync, cancellationToken);
    }

    /// <summary>
    /// A new handler for clients built by hand. In HTTPS mode its TLS validation accepts exactly <see cref="Certificate"/>; in HTTP
    /// mode it is a plain handler. The caller owns it.
    /// </summary>
    public HttpMessageHandler CreateTrustingHandler()
    {
        ObjectDisposedException.ThrowIf(_host.IsDisposed, this);
        return _host.CreateTrustingHandler();
    }

    /// <summary>
    /// A handler that answers requests in process, through the same request handler as the loopback listener: no socket, no
    /// TLS. For simulations of thousands of clients (a <c>VaultClient</c> or <c>HashiCorpVaultSource</c> takes it as its
    /// <c>HttpMessageHandler</c>, with any address: the emulator does not look at the host); answers, faults, the seal and the
    /// request log are the same. A request body over 4 MiB is refused, as a server's body limit would. The caller owns it.
    /// </summary>
    public HttpMessageHandler CreateInMemoryHandler()
    {
        ObjectDisposedException.ThrowIf(_host.IsDisposed, this);
        return new InMemoryHandler(_handler.HandleAsync, () => _host.IsDisposed);
    }

    /// <summary>Mounts a KV secrets engine, replacing (and emptying) a KV mount already at that path.</summary>
    /// <param name="path">The mount path, e.g. <c>kv1</c> or <c>secret</c> (slashes around it are ignored).</param>
    /// <param name="version">1 or 2; <c>sys/internal/ui/mounts</c> reports it as <c>options.version</c> <c>"1"</c> or <c>"2"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not 1 or 2.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or reserved (<c>sys</c>, <c>auth</c>...).</exception>
    /// <exception cref="InvalidOperationException">Another kind of engine is mounted there.</exception>
    public void MountKv(string path, int version)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(version, 2);
        var mountPath = MountPath(path, nameof(path));
        lock (_state.Gate)
        {
            if (_state.GetMount(mountPath) is { Type: not "kv" } existing)
            {
                throw new InvalidOperationException($"'{mountPath}' is already mounted as '{existing.Type}'.");
            }

            _state.AddMount(new VaultMount(mountPath, "kv", version));
        }
    }

    /// <summary>Writes a KV secret without going through HTTP (no check-and-set, no policy).</summary>
    /// <param name="path">The mount and secret path, e.g. <c>secret/myapp/db</c> (not the <c>data/</c> API path).</param>
    /// <param name="data">The key/value pairs; values are serialized with <see cref="JsonSerializer"/>. On KV v1 a <c>ttl</c> key is kept as data, as Vault does.</param>
    /// <returns>On KV v2 the new version number; on KV v1 0 (the entry is overwritten).</returns>
    /// <exception cref="InvalidOperationException">The path is not on a KV mount, or the key requires check-and-set.</exception>
    public int WriteKv(string path, IReadOnlyDictionary<string, object?> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var element = JsonSerializer.SerializeToElement(data);
        lock (_state.Gate)
        {
            var (mount, key) = KvTarget(path);
            if (mount.KvVersion == 1)
            {
                mount.KvV1[key] = element;
                return 0;
            }

            try
            {
                return VaultKv.WriteV2(mount, key, element, cas: null, _state.Now).Number;
            }
            catch (VaultErrorException error)
            {
                throw new InvalidOperationException(error.Message, error);
            }
        }
    }

    /// <summary>Reads a KV secret's data without going through HTTP.</summary>
    /// <param name="path">The mount and secret path, e.g. <c>secret/myapp/db</c>.</param>
    /// <param name="version">KV v2: the version; default <see langword="null"/> for the current one. Ignored on KV v1.</param>
    /// <returns>The data object as stored, or <see langword="null"/> when absent, soft-deleted or destroyed.</returns>
    /// <exception cref="InvalidOperationException">The path is not on a KV mount.</exception>
    public JsonElement? ReadKv(string path, int? version = null)
    {
        lock (_state.Gate)
        {
            var (mount, key) = KvTarget(path);
            if (mount.KvVersion == 1)
            {
                return mount.KvV1.TryGetValue(key, out var stored) ? stored : null;
            }

            if (!mount.KvV2.TryGetValue(key, out var metadata)
                || !metadata.Versions.TryGetValue(version ?? metadata.CurrentVersion, out var entry)
                || entry.Destroyed || entry.IsDeleted(_state.Now))
            {
                return null;
            }

            return entry.Data;
        }
    }

    /// <summary>Soft-deletes KV v2 versions (they read as 404 with <c>deletion_time</c> set until undeleted); on KV v1 deletes the entry.</summary>
    /// <param name="path">The mount and secret path, e.g. <c>secret/myapp/db</c>.</param>
    /// <param name="versions">The versions; none for the current version.</param>
    /// <exception cref="InvalidOperationException">The path is not on a KV mount.</exception>
    public void DeleteKvVersions(string path, params int[] versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        lock (_state.Gate)
        {
            var (mount, key) = KvTarget(path);
            if (mount.KvVersion == 1)
            {
                mount.KvV1.Remove(key);
                return;
            }

            if (mount.KvV2.TryGetValue(key, out var metadata))
            {
                VaultKv.SoftDelete(metadata, versions.Length > 0 ? versions : [metadata.CurrentVersion], _state.Now);
            }
        }
    }

    /// <summary>Undeletes soft-deleted KV v2 versions, as <c>vault kv undelete</c> does (destroyed versions stay destroyed).</summary>
    /// <param name="path">The mount and secret path, e.g. <c>secret/myapp/db</c>.</param>
    /// <param name="versions">The versions; none for the current version.</param>
    /// <exception cref="InvalidOperationException">The path is not on a KV v2 mount.</exception>
    public void UndeleteKvVersions(string path, params int[] versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        lock (_state.Gate)
        {
            var (mount, key) = KvTarget(path);
            if (mount.KvVersion != 2)
            {
                throw new InvalidOperationException($"'{mount.Path}' is a KV v1 mount; only KV v2 versions can be undeleted.");
            }

            if (mount.KvV2.TryGetValue(key, out var metadata))
            {
                VaultKv.Undelete(metadata, versions.Length > 0 ? versions : [metadata.CurrentVersion], _state.Now);
            }
        }
    }

    /// <summary>Destroys KV v2 versions for good (they read as 404 with <c>destroyed: true</c>).</summary>
    /// <param name="path">The mount and secret path, e.g. <c>secret/myapp/db</c>.</param>
    /// <param name="versions">The versions; at least one.</param>
    /// <exception cref="ArgumentException">No versions were given.</exception>
    /// <exception cref="InvalidOperationException">The path is not on a KV v2 mount.</exception>
    public void DestroyKvVersions(string path, params int[] versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        if (versions.Length == 0)
        {
            throw new ArgumentException("Name at least one version to destroy.", nameof(versions));
        }

        lock (_state.Gate)
        {
            var (mount, key) = KvTarget(path);
            if (mount.KvVersion != 2)
            {
                throw new InvalidOperationException($"'{mount.Path}' is a KV v1 mount; only KV v2 versions can be destroyed.");
            }

            if (mount.KvV2.TryGetValue(key, out var metadata))
            {
                VaultKv.Destroy(metadata, versions);
            }
        }
    }

    /// <summary>Defines (or redefines) a policy as the list of paths it grants, with every capability.</summary>
    /// <param name="name">The policy name (lower case, as Vault stores it); <c>root</c> cannot be redefined.</param>
    /// <param name="paths">Vault policy paths, e.g. <c>secret/data/myapp/*</c>, <c>database/creds/+</c>, <c>sys/leases/revoke</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or <c>root</c>.</exception>
    public void SetPolicy(string name, params string[] paths)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(paths);
        var normalized = name.Trim().ToLowerInvariant();
        if (normalized == "root")
        {
            throw new ArgumentException("The root policy cannot be changed.", nameof(name));
        }

        lock (_state.Gate)
        {
            _state.Policies.Set(normalized, paths);
        }
    }

    /// <summary>
    /// Creates a token as <c>auth/token/create</c> called with the root token would: a child of root (not an orphan), display name
    /// <c>token</c>, TTL capped at the effective max TTL.
    /// </summary>
    /// <param name="ttl">The TTL; zero for the default of 768h.</param>
    /// <param name="renewable">Whether <c>renew-self</c> may extend it; default <see langword="true"/>.</param>
    /// <param name="maxTtl">The explicit max TTL (renewals stop there); default <see langword="null"/>: the system max of 768h.</param>
    /// <param name="policies">
    /// The policies; <c>default</c> is added. Default <see langword="null"/>: the parent's, i.e. <c>root</c>.
    /// </param>
    /// <returns>The token (<c>hvs.</c> followed by 24 base62 characters).</returns>
    public string CreateToken(TimeSpan ttl, bool renewable = true, TimeSpan? maxTtl = null, IEnumerable<string>? policies = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.Zero);
        var explicitMax = maxTtl ?? TimeSpan.Zero;
        ArgumentOutOfRangeException.ThrowIfLessThan(explicitMax, TimeSpan.Zero, nameof(maxTtl));
        var sanitized = policies is null ? ["root"] : VaultPolicies.Sanitize(policies, addDefault: true);
        lock (_state.Gate)
        {
            return VaultAuthEndpoints.IssueToken(
                _state,
                path: "auth/token/create",
                displayName: "token",
                sanitized,
                meta: null,
                ttl,
                roleTtl: null,
                roleMaxTtl: TimeSpan.Zero,
                explicitMax,
                renewable,
                orphan: false,
                entityId: string.Empty).Token.Id;
        }
    }

    /// <summary>Revokes a token and the leases read with it, as <c>auth/token/revoke</c> does.</summary>
    /// <param name="token">The token.</param>
    /// <returns><see langword="true"/> when the token was alive.</returns>
    public bool RevokeToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        lock (_state.Gate)
        {
            if (_state.FindLiveToken(token) is not VaultToken entry)
            {
                return false;
            }

            _state.RevokeToken(entry);
            return true;
        }
    }

    /// <summary>
    /// Revokes the token with this accessor and the leases read with it, as <c>vault token revoke -accessor</c> does; the
    /// accessor of a request's token is in <see cref="Requests"/>.
    /// </summary>
    /// <param name="accessor">The token's accessor.</param>
    /// <returns><see langword="true"/> when such a token was alive.</returns>
    public bool RevokeTokenByAccessor(string accessor)
    {
        ArgumentNullException.ThrowIfNull(accessor);
        lock (_state.Gate)
        {
            _state.Sweep();
            if (_state.FindTokenByAccessor(accessor) is not VaultToken entry)
            {
                return false;
            }

            _state.RevokeToken(entry);
            return true;
        }
    }

    /// <summary>
    /// Adds a Kubernetes auth role: <c>POST auth/{mountPath}/login</c> with <c>{"role", "jwt"}</c> succeeds only with exactly
    /// <paramref name="serviceAccountJwt"/>. The service account name, namespace, UID and secret name in <c>auth.metadata</c> come
    /// from the JWT's claims when it is a JWT (legacy or projected token), otherwise <c>default</c>/<c>default</c>/a fixed UUID/<c>""</c>.
    /// </summary>
    /// <param name="role">The role name.</param>
    /// <param name="serviceAccountJwt">The service-account token the login must send.</param>
    /// <param name="tokenTtl">The issued token's TTL; zero for 768h.</param>
    /// <param name="tokenMaxTtl">The issued token's max TTL (renewals stop there); zero for 768h.</param>
    /// <param name="policies">The token policies (<c>default</c> is added); default <see langword="null"/>: only <c>default</c>.</param>
    /// <param name="mountPath">The auth mount path; default <c>kubernetes</c>.</param>
    public void AddKubernetesRole(
        string role, string serviceAccountJwt, TimeSpan tokenTtl, TimeSpan tokenMaxTtl, IEnumerable<string>? policies = null, string mountPath = "kubernetes")
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        ArgumentException.ThrowIfNullOrEmpty(serviceAccountJwt);
        ValidateTtls(tokenTtl, tokenMaxTtl);
        var claims = VaultAuthEndpoints.ParseJwtPayload(serviceAccountJwt);
        var name = Claim(claims, "kubernetes.io", "serviceaccount", "name") ?? Claim(claims, "kubernetes.io/serviceaccount/service-account.name") ?? "default";
        var ns = Claim(claims, "kubernetes.io", "namespace") ?? Claim(claims, "kubernetes.io/serviceaccount/namespace") ?? "default";
        var uid = Claim(claims, "kubernetes.io", "serviceaccount", "uid") ?? Claim(claims, "kubernetes.io/serviceaccount/service-account.uid") ?? VaultRandom.Uuid();
        var secretName = Claim(claims, "kubernetes.io/serviceaccount/secret.name") ?? string.Empty;
        var loginRole = new VaultLoginRole
        {
            Name = role,
            TokenTtl = tokenTtl,
            TokenMaxTtl = tokenMaxTtl,
            Policies = VaultPolicies.Sanitize(policies ?? [], addDefault: true),
            Metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["role"] = role,
                ["service_account_name"] = name,
                ["service_account_namespace"] = ns,
                ["service_account_secret_name"] = secretName,
                ["service_account_uid"] = uid,
            },
            DisplayNameSuffix = "-" + VaultAuthEndpoints.SanitizeDisplayName($"{ns}-{name}"),
            Jwt = serviceAccountJwt,
        };
        AddLoginRole(mountPath, "kubernetes", loginRole);
    }

    /// <summary>Adds an AppRole role: <c>POST auth/{mountPath}/login</c> with <c>{"role_id", "secret_id"}</c>.</summary>
    /// <param name="role">The role name (reported as <c>auth.metadata.role_name</c>).</param>
    /// <param name="roleId">The role id.</param>
    /// <param name="secretId">The one secret id the login accepts.</param>
    /// <param name="tokenTtl">The issued token's TTL; zero for 768h.</param>
    /// <param name="tokenMaxTtl">The issued token's max TTL; zero for 768h.</param>
    /// <param name="policies">The token policies (<c>default</c> is added); default <see langword="null"/>: only <c>default</c>.</param>
    /// <param name="mountPath">The auth mount path; default <c>approle</c>.</param>
    public void AddAppRole(
        string role, string roleId, string secretId, TimeSpan tokenTtl, TimeSpan tokenMaxTtl, IEnumerable<string>? policies = null, string mountPath = "approle")
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        ArgumentException.ThrowIfNullOrEmpty(roleId);
        ArgumentException.ThrowIfNullOrEmpty(secretId);
        ValidateTtls(tokenTtl, tokenMaxTtl);
        AddLoginRole(mountPath, "approle", new VaultLoginRole
        {
            Name = role,
            TokenTtl = tokenTtl,
            TokenMaxTtl = tokenMaxTtl,
            Policies = VaultPolicies.Sanitize(policies ?? [], addDefault: true),
            Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["role_name"] = role },
            DisplayNameSuffix = string.Empty,
            RoleId = roleId,
            SecretId = secretId,
        });
    }

    /// <summary>
    /// Adds a database secrets engine role: each <c>GET {mountPath}/creds/{role}</c> issues a new username and password with a
    /// renewable lease of <paramref name="defaultTtl"/>, which renewals extend up to issue time plus <paramref name="maxTtl"/>.
    /// </summary>
    /// <param name="role">The role name.</param>
    /// <param name="defaultTtl">The lease TTL; zero for 768h.</param>
    /// <param name="maxTtl">The lease's max TTL; zero for 768h.</param>
    /// <param name="mountPath">The mount path; default <c>database</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="defaultTtl"/> is greater than <paramref name="maxTtl"/>.</exception>
    public void AddDatabaseRole(string role, TimeSpan defaultTtl, TimeSpan maxTtl, string mountPath = "database")
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        ValidateTtls(defaultTtl, maxTtl);
        if (role.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("A role name cannot contain '/'.", nameof(role));
        }

        var path = MountPath(mountPath, nameof(mountPath));
        lock (_state.Gate)
        {
            var mount = _state.GetOrAddMount(path, "database", () => new VaultMount(path, "database"));
            mount.DatabaseRoles[role] = new VaultDatabaseRole(role, defaultTtl, maxTtl);
        }
    }

    /// <summary>
    /// Adds a database secrets engine role that may run its statements against a real database (see
    /// <see cref="VaultDatabaseRoleOptions"/>): reading <c>{mount}/creds/{role}</c> creates the user, renewing the lease renews
    /// it, and the lease's end (revocation, its token's end, or expiry on the emulator clock) revokes it.
    /// </summary>
    /// <param name="role">The role name.</param>
    /// <param name="options">TTLs, mount path, statements and the callback that runs them.</param>
    /// <exception cref="ArgumentException">The default TTL is greater than the max TTL, or the role name contains '/'.</exception>
    public void AddDatabaseRole(string role, VaultDatabaseRoleOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        ArgumentNullException.ThrowIfNull(options);
        ValidateTtls(options.DefaultTtl, options.MaxTtl);
        if (role.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("A role name cannot contain '/'.", nameof(role));
        }

        var path = MountPath(options.MountPath, nameof(options));
        lock (_state.Gate)
        {
            var mount = _state.GetOrAddMount(path, "database", () => new VaultMount(path, "database"));
            mount.DatabaseRoles[role] = new VaultDatabaseRole(role, options.DefaultTtl, options.MaxTtl)
            {
                CreationStatements = [.. options.CreationStatements],
                RenewStatements = [.. options.RenewStatements],
                RevocationStatements = [.. options.RevocationStatements],
                ExecuteAsync = options.ExecuteAsync,
            };
        }
    }

    /// <summary>Injects a failure and/or delay into matching requests; faults are tried in the order they were added and the first match applies.</summary>
    /// <param name="fault">The fault.</param>
    /// <exception cref="ArgumentNullException"><paramref name="fault"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The fault's count is not positive, or its latency is negative.</exception>
    public void InjectFault(VaultFault fault) => _faults.Add(fault);

    /// <summary>Removes every injected fault.</summary>
    public void ClearFaults() => _faults.Clear();

    /// <summary>Counts the requests with this method (as sent, case-insensitive) whose path is <paramref name="pathPrefix"/> or lies below it.</summary>
    /// <param name="method">The HTTP method, e.g. <c>GET</c>, <c>PUT</c> or <c>LIST</c>.</param>
    /// <param name="pathPrefix">The Vault path prefix, compared by whole segments, e.g. <c>secret/data/myapp</c>.</param>
    /// <returns>The count, including requests answered by an injected fault.</returns>
    public int CountRequests(string method, string pathPrefix)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(pathPrefix);
        return _log.Snapshot().Count(request => string.Equals(request.Method, method, StringComparison.OrdinalIgnoreCase)
            && VaultRequestHandler.IsUnder(request.Path, pathPrefix));
    }

    /// <summary>Forgets the requests recorded so far.</summary>
    public void ClearRequests() => _log.Clear();

    /// <summary>Stops the server and disposes the certificate; revocations already queued on a real database run first.</summary>
    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        lock (_state.Gate)
        {
            foreach (var lease in _state.Leases)
            {
                lease.ExpiryTimer?.Dispose();
            }
        }

        await _state.Database.DisposeAsync();
    }

    private static string MountPath(string path, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(path, parameterName);
        var trimmed = path.Trim('/');
        if (trimmed.Length == 0 || trimmed is "sys" or "auth" or "cubbyhole" or "identity"
            || trimmed.StartsWith("sys/", StringComparison.Ordinal) || trimmed.StartsWith("auth/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{path}' is not a usable mount path.", parameterName);
        }

        return trimmed + "/";
    }

    private static void ValidateTtls(TimeSpan ttl, TimeSpan maxTtl)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTtl, TimeSpan.Zero);
        if (maxTtl > TimeSpan.Zero && ttl > maxTtl)
        {
            throw new ArgumentException("The TTL cannot be greater than the max TTL.", nameof(ttl));
        }
    }

    private static string? Claim(JsonElement? claims, params string[] path)
    {
        if (claims is not JsonElement current)
        {
            return null;
        }

        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current.ValueKind == JsonValueKind.String ? current.GetString() : null;
    }

    private void AddLoginRole(string mountPath, string type, VaultLoginRole role)
    {
        ArgumentNullException.ThrowIfNull(mountPath);
        var trimmed = mountPath.Trim('/');
        if (trimmed.Length == 0 || trimmed.Contains('/', StringComparison.Ordinal) || trimmed == "token")
        {
            throw new ArgumentException($"'{mountPath}' is not a usable auth mount path.", nameof(mountPath));
        }

        var path = "auth/" + trimmed + "/";
        lock (_state.Gate)
        {
            var mount = _state.GetOrAddMount(path, type, () => new VaultMount(path, type));
            mount.LoginRoles[role.Name] = role;
        }
    }

    /// <summary>The KV mount and key of a <c>mount/secret</c> path; the caller holds the state lock.</summary>
    private (VaultMount Mount, string Key) KvTarget(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var trimmed = path.Trim('/');
        var mount = _state.FindMount(trimmed + "/");
        if (mount is not { Type: "kv" })
        {
            throw new InvalidOperationException($"'{path}' is not on a KV mount.");
        }

        var key = trimmed.Length > mount.Path.Length ? trimmed[mount.Path.Length..] : string.Empty;
        return key.Length > 0 ? (mount, key) : throw new ArgumentException($"'{path}' names a mount, not a secret.", nameof(path));
    }
}
