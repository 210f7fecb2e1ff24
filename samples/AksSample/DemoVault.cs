using SecretRotation.Testing;

namespace AksSample;

/// <summary>
/// The local demo's HashiCorp Vault: a <see cref="VaultEmulator"/> on a loopback HTTP port (like <c>vault server -dev</c>),
/// on the real clock, with the KV v2 secret <see cref="KvPath"/> (field <c>EncryptionKey</c>) and a database role whose
/// credentials live <see cref="LeaseTtl"/>, renewable up to <see cref="LeaseMaxTtl"/>. Disposing it stops the emulator.
/// </summary>
/// <remarks>
/// With these TTLs the app reads a pair at start-up, renews its lease at about two thirds of 20 s, sees the renewal capped
/// by the 60 s max TTL and reads a new pair just before it: the <c>DynamicDatabase</c> fingerprints change about every minute.
/// </remarks>
public sealed class DemoVault : IAsyncDisposable
{
    /// <summary>The KV v2 secret the demo rotates; its fields fill the <c>Database</c> section.</summary>
    public const string KvPath = VaultOptions.DefaultKvPath;

    /// <summary>The database role; <c>GET database/creds/aks-sample</c> issues a new username and password each time.</summary>
    public const string DatabaseRole = VaultOptions.DefaultRole;

    /// <summary>The dynamic credentials' path; its <c>username</c> and <c>password</c> fill the <c>DynamicDatabase</c> section.</summary>
    public const string DatabaseCredsPath = "database/creds/" + DatabaseRole;

    /// <summary>The lease each read gets, and each renewal asks for.</summary>
    public static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(20);

    /// <summary>How long after its issue a lease can be renewed to at most; new credentials are read before then.</summary>
    public static readonly TimeSpan LeaseMaxTtl = TimeSpan.FromSeconds(60);

    /// <summary>How often the app polls the KV v2 secret's metadata (in production the default is 5 minutes).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(10);

    private readonly VaultEmulator _emulator;

    private DemoVault(VaultEmulator emulator)
    {
        _emulator = emulator;
    }

    /// <summary>The emulator's address, <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri Address => _emulator.Address;

    /// <summary>The emulator's root token, which the demo reads with. Never logged or shown.</summary>
    public string RootToken => _emulator.RootToken;

    /// <summary>The database leases alive in the emulator now: old ones stay until their max TTL, as in Vault.</summary>
    public int ActiveLeaseCount => _emulator.ActiveLeases.Count;

    /// <summary>Starts the emulator, adds the database role and writes the first version of the KV secret.</summary>
    public static async Task<DemoVault> StartAsync(CancellationToken cancellationToken = default)
    {
        var emulator = await VaultEmulator.StartAsync(new VaultEmulatorOptions { TimeProvider = TimeProvider.System }, cancellationToken);
        try
        {
            emulator.AddDatabaseRole(DatabaseRole, LeaseTtl, LeaseMaxTtl);
            var vault = new DemoVault(emulator);
            vault.RotateKv();
            return vault;
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes a new version of <see cref="KvPath"/> (a new random <c>EncryptionKey</c>) directly into the emulator.</summary>
    /// <returns>The new KV v2 version and the new value's fingerprint (never the value).</returns>
    public (int Version, string Fingerprint) RotateKv()
    {
        var value = DemoPayload.CreateEncryptionKey();
        var version = _emulator.WriteKv(KvPath, new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [nameof(DatabaseOptions.EncryptionKey)] = value,
        });
        return (version, SecretFingerprint.Of(value)!);
    }

    public ValueTask DisposeAsync() => _emulator.DisposeAsync();
}
