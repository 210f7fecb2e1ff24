using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;

namespace SecretRotation.Testing;

/// <summary>
/// A loopback Azure Key Vault (secrets data plane) for tests: real HTTPS on <c>127.0.0.1</c> with a self-signed certificate made at
/// start-up, the vault at the root of <c>host:port</c>, and the REST shapes, status codes and challenge-based authentication that
/// <c>Azure.Security.KeyVault.Secrets</c> expects. Tests drive the real <see cref="SecretClient"/> from <see cref="CreateClient"/>,
/// arrange state directly (<see cref="SetSecret"/>, <see cref="UpdateSecret"/>, <see cref="DeleteSecret"/>), inject faults and
/// latency, deny permissions and read the request log.
/// </summary>
/// <remarks>
/// <para>Authentication: a request without <c>Authorization: Bearer ...</c> gets 401 with a <c>WWW-Authenticate</c> challenge before its
/// body is read; any non-empty bearer token is accepted (<see cref="Credential"/> hands out a fixed fake one).</para>
/// <para>Any <c>api-version</c> is accepted, and so is none; <see cref="KeyVaultRequest.ApiVersion"/> records what was sent.</para>
/// <para>Secret names are case-insensitive and must match <c>^[0-9a-zA-Z-]{1,127}$</c>. Versions are 32 lowercase hex digits and are
/// ordered by a write counter, so the second of two writes in the same second is the latest.</para>
/// <para>Get returns versions outside their <c>nbf</c>/<c>exp</c> window with their value, as the service does; only a disabled version is refused (403).</para>
/// <para>Each emulator in a process listens on a port no earlier emulator in that process used, so the SDK's process-wide challenge
/// cache (keyed by host and port) never carries over from one emulator to the next.</para>
/// </remarks>
public sealed class KeyVaultEmulator : IAsyncDisposable
{
    private readonly LoopbackHost _host;
    private readonly KeyVaultStore _store;
    private readonly FaultInjector<KeyVaultFault> _faults = new((path, prefix) => EmulatorPaths.IsUnder(path, prefix, StringComparison.OrdinalIgnoreCase));
    private readonly PermissionDenials _denials = new();
    private readonly RequestLog<KeyVaultRequest> _log = new();
    private readonly KeyVaultRequestHandler _handler;
    private readonly Lock _transportsGate = new();
    private readonly List<HttpClientTransport> _transports = [];

    private KeyVaultEmulator(KeyVaultEmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.TimeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Latency, TimeSpan.Zero);
        _store = new KeyVaultStore(options.TimeProvider, options.PurgeOnDelete);
        _host = new LoopbackHost(useHttps: true, options.Latency);
        if (options.TransactionLimit is { } limit)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit, nameof(options.TransactionLimit));
        }

        var throttle = options.TransactionLimit is { } transactions ? new KeyVaultThrottle(transactions, options.TimeProvider) : null;
        _handler = new KeyVaultRequestHandler(_store, _faults, _denials, _log, () => _host.Latency, options.TenantId, throttle);
    }

    /// <summary>The vault URL, <c>https://127.0.0.1:{port}/</c>.</summary>
    public Uri VaultUri => _host.Address;

    /// <summary>The emulator's TLS certificate (public part only); trust exactly this one, as <see cref="CreateTrustingHandler"/> does.</summary>
    public X509Certificate2 Certificate => _host.Certificate!;

    /// <summary>A credential that returns a fixed fake token; the emulator accepts any bearer token.</summary>
    public TokenCredential Credential { get; } = new EmulatorTokenCredential();

    /// <summary>Delay added to every request before it is answered; starts at <see cref="KeyVaultEmulatorOptions.Latency"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan Latency
    {
        get => _host.Latency;
        set => _host.Latency = value;
    }

    /// <summary>Every request answered so far (oldest first), including 401 challenges and injected faults.</summary>
    public IReadOnlyList<KeyVaultRequest> Requests => _log.Snapshot();

    /// <summary>Starts an emulator on a free loopback port.</summary>
    /// <param name="options">Settings; default <see langword="null"/> for the defaults of <see cref="KeyVaultEmulatorOptions"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop it.</returns>
    public static async Task<KeyVaultEmulator> StartAsync(KeyVaultEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var emulator = new KeyVaultEmulator(options ?? new KeyVaultEmulatorOptions());
        return await emulator._host.StartOwnedAsync(emulator, emulator._handler.HandleAsync, cancellationToken);
    }

    /// <summary>
    /// A <see cref="SecretClient"/> for this vault with <see cref="Credential"/>, a transport that trusts exactly <see cref="Certificate"/>
    /// and <see cref="SecretClientOptions.DisableChallengeResourceVerification"/> set (the challenge names <c>vault.azure.net</c>, not 127.0.0.1).
    /// </summary>
    /// <param name="options">
    /// Client options to start from (retry, service version, diagnostics...); their transport and challenge verification are overwritten.
    /// Default <see langword="null"/>: new options.
    /// </param>
    /// <returns>The client. Its transport is disposed with the emulator.</returns>
    public SecretClient CreateClient(SecretClientOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(_host.IsDisposed, this);
        options ??= new SecretClientOptions();
        var transport = new HttpClientTransport(CreateTrustingHandler());
        lock (_transportsGate)
        {
            _transports.Add(transport);
        }

        options.Transport = transport;
        options.DisableChallengeResourceVerification = true;
        return new SecretClient(VaultUri, Credential, options);
    }

    /// <summary>
    /// A <see cref="SecretClient"/> for this vault like <see cref="CreateClient"/>, but whose requests never touch a socket: its
    /// transport (<see cref="HttpClientTransport"/> over <see cref="CreateInMemoryHandler"/>) calls the emulator's request
    /// handler in process. For simulations of thousands of clients; answers, faults, throttling and the request log are the same.
    /// </summary>
    /// <param name="options">Client options to start from; their transport and challenge verification are overwritten. Default new options.</param>
    /// <returns>The client. Its transport is disposed with the emulator.</returns>
    public SecretClient CreateInMemoryClient(SecretClientOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(_host.IsDisposed, this);
        options ??= new SecretClientOptions();
        var transport = new HttpClientTransport(CreateInMemoryHandler());
        lock (_transportsGate)
        {
            _transports.Add(transport);
        }

        options.Transport = transport;
        options.DisableChallengeResourceVerification = true;
        return new SecretClient(VaultUri, Credential, options);
    }

    /// <summary>A handler that answers requests in process, through the same request handler as the HTTPS listener. The caller owns it.</summary>
    public HttpMessageHandler CreateInMemoryHandler()
    {
        ObjectDisposedException.ThrowIf(_host.IsDisposed, this);
        return new InMemoryHandler(_handler.HandleAsync, () => _host.IsDisposed);
    }

    /// <summary>A new handler whose TLS validation accepts exactly <see cref="Certificate"/>, for clients built by hand. The caller owns it.</summary>
    public HttpMessageHandler CreateTrustingHandler()
    {
        ObjectDisposedException.ThrowIf(_host.IsDisposed, this);
        return _host.CreateTrustingHandler();
    }

    /// <summary>Adds a new version of a secret (creating the secret if needed) without going through HTTP.</summary>
    /// <param name="name">The secret name: 1-127 characters of <c>0-9</c>, <c>a-z</c>, <c>A-Z</c> and <c>-</c>.</param>
    /// <param name="value">The value.</param>
    /// <param name="contentType">The content type; default none.</param>
    /// <param name="enabled">Whether the version is enabled; default <see langword="true"/>.</param>
    /// <param name="notBefore">The <c>nbf</c> attribute (kept to the second); default none.</param>
    /// <param name="expiresOn">The <c>exp</c> attribute (kept to the second); default none.</param>
    /// <param name="tags">The tags; default none.</param>
    /// <returns>The new version id (32 lowercase hex digits), now the latest.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid secret name.</exception>
    /// <exception cref="InvalidOperationException">The name belongs to a soft-deleted secret (purge it first).</exception>
    public string SetSecret(
        string name,
        string value,
        string? contentType = null,
        bool enabled = true,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? expiresOn = null,
        IReadOnlyDictionary<string, string>? tags = null)
    {
        ValidateName(name);
        ArgumentNullException.ThrowIfNull(value);
        var changes = new SecretChanges
        {
            ContentType = contentType,
            Enabled = enabled,
            NotBefore = notBefore?.ToUnixTimeSeconds(),
            Expires = expiresOn?.ToUnixTimeSeconds(),
            Tags = tags is null ? null : new Dictionary<string, string>(tags, StringComparer.Ordinal),
        };
        try
        {
            return _store.Set(name, value, changes).Version.Version;
        }
        catch (KeyVaultErrorException error)
        {
            throw new InvalidOperationException(error.Message, error);
        }
    }

    /// <summary>Changes attributes of one version without going through HTTP; <see langword="null"/> arguments leave an attribute as it is.</summary>
    /// <param name="name">The secret name.</param>
    /// <param name="version">The version id, or <see langword="null"/> for the latest version.</param>
    /// <param name="enabled">The new <c>enabled</c> attribute.</param>
    /// <param name="notBefore">The new <c>nbf</c> attribute (kept to the second).</param>
    /// <param name="expiresOn">The new <c>exp</c> attribute (kept to the second).</param>
    /// <exception cref="InvalidOperationException">The secret or version does not exist.</exception>
    public void UpdateSecret(string name, string? version, bool? enabled = null, DateTimeOffset? notBefore = null, DateTimeOffset? expiresOn = null)
    {
        ValidateName(name);
        try
        {
            _store.Update(name, version, new SecretChanges
            {
                Enabled = enabled,
                NotBefore = notBefore?.ToUnixTimeSeconds(),
                HasNotBefore = notBefore.HasValue,
                Expires = expiresOn?.ToUnixTimeSeconds(),
                HasExpires = expiresOn.HasValue,
            });
        }
        catch (KeyVaultErrorException error)
        {
            throw new InvalidOperationException(error.Message, error);
        }
    }

    /// <summary>Deletes a secret and all its versions without going through HTTP, as <c>DELETE /secrets/{name}</c> does (soft delete unless <see cref="KeyVaultEmulatorOptions.PurgeOnDelete"/>).</summary>
    /// <param name="name">The secret name.</param>
    /// <returns><see langword="true"/> when the secret existed.</returns>
    public bool DeleteSecret(string name) => TryOnStore(name, () => _store.Delete(name));

    /// <summary>Purges a soft-deleted secret without going through HTTP, so its name can be set again.</summary>
    /// <param name="name">The secret name.</param>
    /// <returns><see langword="true"/> when a soft-deleted secret of that name existed.</returns>
    public bool PurgeDeletedSecret(string name) => TryOnStore(name, () => _store.Purge(name));

    /// <summary>Injects a failure and/or delay into matching requests; faults are tried in the order they were added and the first match applies.</summary>
    /// <param name="fault">The fault.</param>
    /// <exception cref="ArgumentNullException"><paramref name="fault"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The fault's count is not positive, or its latency is negative.</exception>
    public void InjectFault(KeyVaultFault fault) => _faults.Add(fault);

    /// <summary>Removes every injected fault.</summary>
    public void ClearFaults() => _faults.Clear();

    /// <summary>
    /// Takes a secret permission away, as a missing access-policy permission would: matching requests get 403 <c>Forbidden</c> with
    /// inner error <c>AccessDenied</c> and the service's "does not have secrets ... permission on key vault" message.
    /// </summary>
    /// <param name="permission">The permission to deny.</param>
    /// <param name="secretName">Only for requests naming this secret; default <see langword="null"/>: for the whole vault.</param>
    public void DenyPermission(KeyVaultSecretAccess permission, string? secretName = null)
    {
        if (!Enum.IsDefined(permission))
        {
            throw new ArgumentOutOfRangeException(nameof(permission), permission, "Unknown permission.");
        }

        if (secretName is not null)
        {
            ValidateName(secretName);
        }

        _denials.Deny(permission, secretName);
    }

    /// <summary>Gives back every permission taken by <see cref="DenyPermission"/>.</summary>
    public void ClearDeniedPermissions() => _denials.Clear();

    /// <summary>Counts the authenticated requests (those that carried a bearer token) for one operation, optionally for one secret.</summary>
    /// <param name="operation">The operation, for example <see cref="KeyVaultOperation.GetSecret"/> or <see cref="KeyVaultOperation.ListSecrets"/> (every page counts).</param>
    /// <param name="secretName">Only requests naming this secret (case-insensitive); default <see langword="null"/>: any.</param>
    /// <returns>The count, including requests answered by an injected fault.</returns>
    public int CountRequests(KeyVaultOperation operation, string? secretName = null) =>
        _log.Snapshot().Count(request => request.IsAuthenticated && request.Operation == operation
            && (secretName is null || string.Equals(request.SecretName, secretName, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Forgets the requests recorded so far.</summary>
    public void ClearRequests() => _log.Clear();

    /// <summary>Stops the server and disposes the clients' transports and the certificate.</summary>
    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        lock (_transportsGate)
        {
            foreach (var transport in _transports)
            {
                transport.Dispose();
            }

            _transports.Clear();
        }
    }

    /// <summary>Validates the name, then runs a store operation; <see langword="false"/> when the store refuses it (no such secret).</summary>
    private static bool TryOnStore(string name, Action operation)
    {
        ValidateName(name);
        try
        {
            operation();
            return true;
        }
        catch (KeyVaultErrorException)
        {
            return false;
        }
    }

    private static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!KeyVaultStore.IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid Key Vault secret name: use 1-127 characters of 0-9, a-z, A-Z and '-'.", nameof(name));
        }
    }
}
