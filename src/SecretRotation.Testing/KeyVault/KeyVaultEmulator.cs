using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
    private const int MaxBindAttempts = 20;

    private static readonly ConcurrentDictionary<int, byte> s_usedPorts = new();

    private readonly X509Certificate2 _serverCertificate;
    private readonly X509Certificate2 _publicCertificate;
    private readonly byte[] _certificateHash;
    private readonly KeyVaultStore _store;
    private readonly FaultInjector _faults = new();
    private readonly PermissionDenials _denials = new();
    private readonly RequestLog _log = new();
    private readonly KeyVaultRequestHandler _handler;
    private readonly Lock _transportsGate = new();
    private readonly List<HttpClientTransport> _transports = [];
    private long _latencyTicks;
    private WebApplication? _app;
    private bool _disposed;

    private KeyVaultEmulator(KeyVaultEmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.TimeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Latency, TimeSpan.Zero);
        _latencyTicks = options.Latency.Ticks;
        _store = new KeyVaultStore(options.TimeProvider, options.PurgeOnDelete);
        _handler = new KeyVaultRequestHandler(_store, _faults, _denials, _log, () => Latency, options.TenantId);
        _serverCertificate = EmulatorCertificate.Create();
        _publicCertificate = X509CertificateLoader.LoadCertificate(_serverCertificate.RawData);
        _certificateHash = _serverCertificate.GetCertHash(HashAlgorithmName.SHA256);
    }

    /// <summary>The vault URL, <c>https://127.0.0.1:{port}/</c>.</summary>
    public Uri VaultUri { get; private set; } = null!;

    /// <summary>The emulator's TLS certificate (public part only); trust exactly this one, as <see cref="CreateTrustingHandler"/> does.</summary>
    public X509Certificate2 Certificate => _publicCertificate;

    /// <summary>A credential that returns a fixed fake token; the emulator accepts any bearer token.</summary>
    public TokenCredential Credential { get; } = new EmulatorTokenCredential();

    /// <summary>Delay added to every request before it is answered; starts at <see cref="KeyVaultEmulatorOptions.Latency"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _latencyTicks, value.Ticks);
        }
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
        try
        {
            await emulator.StartServerAsync(cancellationToken);
            return emulator;
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
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
        ObjectDisposedException.ThrowIf(_disposed, this);
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

    /// <summary>A new handler whose TLS validation accepts exactly <see cref="Certificate"/>, for clients built by hand. The caller owns it.</summary>
    public HttpMessageHandler CreateTrustingHandler()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var expectedHash = _certificateHash;
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && certificate.GetCertHash(HashAlgorithmName.SHA256).AsSpan().SequenceEqual(expectedHash),
            },
        };
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
    public bool DeleteSecret(string name)
    {
        ValidateName(name);
        try
        {
            _store.Delete(name);
            return true;
        }
        catch (KeyVaultErrorException)
        {
            return false;
        }
    }

    /// <summary>Purges a soft-deleted secret without going through HTTP, so its name can be set again.</summary>
    /// <param name="name">The secret name.</param>
    /// <returns><see langword="true"/> when a soft-deleted secret of that name existed.</returns>
    public bool PurgeDeletedSecret(string name)
    {
        ValidateName(name);
        try
        {
            _store.Purge(name);
            return true;
        }
        catch (KeyVaultErrorException)
        {
            return false;
        }
    }

    /// <summary>Injects a failure and/or delay into matching requests; faults are tried in the order they were added and the first match applies.</summary>
    /// <param name="fault">The fault.</param>
    public void InjectFault(KeyVaultFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        if (fault.Count is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fault), fault.Count, "A fault's Count must be positive, or null for no limit.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(fault.Latency, TimeSpan.Zero);
        _faults.Add(fault);
    }

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
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        lock (_transportsGate)
        {
            foreach (var transport in _transports)
            {
                transport.Dispose();
            }

            _transports.Clear();
        }

        _serverCertificate.Dispose();
        _publicCertificate.Dispose();
    }

    private static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!KeyVaultStore.IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid Key Vault secret name: use 1-127 characters of 0-9, a-z, A-Z and '-'.", nameof(name));
        }
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxBindAttempts; attempt++)
        {
            var app = BuildApplication();
            try
            {
                await app.StartAsync(cancellationToken);
                var port = ReadPort(app);
                if (s_usedPorts.TryAdd(port, 0))
                {
                    _app = app;
                    VaultUri = new Uri($"https://127.0.0.1:{port}/");
                    return;
                }
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }

            // An earlier emulator in this process had this port: the SDK may still hold its challenge. Try another one.
            await app.StopAsync(cancellationToken);
            await app.DisposeAsync();
        }

        throw new InvalidOperationException($"Could not find an unused loopback port in {MaxBindAttempts} attempts.");
    }

    private WebApplication BuildApplication()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(KeyVaultEmulator).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(_serverCertificate));
        });
        var app = builder.Build();
        app.Run(_handler.HandleAsync);
        return app;
    }

    private static int ReadPort(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("Kestrel did not report its address.");
        return new Uri(addresses.Single()).Port;
    }
}
