namespace SecretRotation.Testing;

/// <summary>
/// Everything the emulated Vault knows: mounts and their data, tokens, leases and policies, behind one lock (<see cref="Gate"/>).
/// Members other than the constructor expect the caller to hold the lock. Expiry follows the <see cref="TimeProvider"/> and is
/// applied lazily: an expired token is revoked, with its leases, when it is next looked at.
/// </summary>
internal sealed class VaultState
{
    private readonly Dictionary<string, VaultMount> _mounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VaultToken> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VaultLeaseEntry> _leases = new(StringComparer.Ordinal);

    public VaultState(TimeProvider timeProvider, string rootToken)
    {
        TimeProvider = timeProvider;
        Database = new VaultDatabaseRunner(this);
        var now = Now;
        Root = new VaultToken
        {
            Id = rootToken,
            Accessor = VaultRandom.Base62String(VaultRandom.TokenLength),
            Policies = ["root"],
            Path = "auth/token/root",
            DisplayName = "root",
            CreationTime = now,
            Orphan = true,
        };
        _tokens.Add(Root.Id, Root);
        AddMount(new VaultMount("sys/", "system"));
        AddMount(new VaultMount("auth/token/", "token"));
        AddMount(new VaultMount("secret/", "kv", kvVersion: 2));
    }

    public Lock Gate { get; } = new();

    public TimeProvider TimeProvider { get; }

    public DateTimeOffset Now => TimeProvider.GetUtcNow();

    public VaultToken Root { get; }

    public VaultPolicies Policies { get; } = new();

    /// <summary>Runs the statements of database roles that have a real database, and expires their leases on time.</summary>
    public VaultDatabaseRunner Database { get; }

    public IEnumerable<VaultLeaseEntry> Leases => _leases.Values;

    /// <summary>Adds or replaces the mount at <see cref="VaultMount.Path"/> (replacing drops the old mount's data).</summary>
    public void AddMount(VaultMount mount) => _mounts[mount.Path] = mount;

    /// <summary>The mount whose path is the longest prefix of <paramref name="path"/>, as the router matches.</summary>
    public VaultMount? FindMount(string path)
    {
        VaultMount? best = null;
        foreach (var mount in _mounts.Values)
        {
            if (path.StartsWith(mount.Path, StringComparison.Ordinal) && (best is null || mount.Path.Length > best.Path.Length))
            {
                best = mount;
            }
        }

        return best;
    }

    public VaultMount? GetMount(string mountPath) => _mounts.GetValueOrDefault(mountPath);

    /// <summary>The mount of <paramref name="mountPath"/>, created with <paramref name="create"/> when missing; throws if it has another type.</summary>
    public VaultMount GetOrAddMount(string mountPath, string type, Func<VaultMount> create)
    {
        if (_mounts.TryGetValue(mountPath, out var mount))
        {
            return mount.Type == type
                ? mount
                : throw new InvalidOperationException($"'{mountPath}' is already mounted as '{mount.Type}', not '{type}'.");
        }

        mount = create();
        _mounts.Add(mountPath, mount);
        return mount;
    }

    public void AddToken(VaultToken token) => _tokens.Add(token.Id, token);

    /// <summary>The token if it exists and has not expired; an expired token is revoked on the way.</summary>
    public VaultToken? FindLiveToken(string id)
    {
        if (id.Length == 0 || !_tokens.TryGetValue(id, out var token))
        {
            return null;
        }

        if (token.IsExpired(Now))
        {
            RevokeToken(token);
            return null;
        }

        return token;
    }

    /// <summary>The unexpired token with this accessor, or <see langword="null"/>.</summary>
    public VaultToken? FindTokenByAccessor(string accessor) =>
        _tokens.Values.FirstOrDefault(token => token.Accessor == accessor && !token.IsExpired(Now));

    /// <summary>Revokes a token and every lease read with it.</summary>
    public void RevokeToken(VaultToken token)
    {
        _tokens.Remove(token.Id);
        foreach (var lease in _leases.Values.Where(lease => lease.TokenId == token.Id).ToList())
        {
            RemoveLease(lease);
        }
    }

    public void AddLease(VaultLeaseEntry lease) => _leases.Add(lease.LeaseId, lease);

    /// <summary>The lease if it exists, has not expired and its token is still alive; otherwise it is revoked and <see langword="null"/>.</summary>
    public VaultLeaseEntry? FindLiveLease(string leaseId)
    {
        if (!_leases.TryGetValue(leaseId, out var lease))
        {
            return null;
        }

        if (Now >= lease.Lease.ExpireTime || FindLiveToken(lease.TokenId) is null)
        {
            RemoveLease(lease);
            return null;
        }

        return lease;
    }

    public bool RevokeLease(string leaseId)
    {
        if (!_leases.TryGetValue(leaseId, out var lease))
        {
            return false;
        }

        RemoveLease(lease);
        return true;
    }

    /// <summary>Drops a lease; a lease on a real database gets its revocation statements queued.</summary>
    private void RemoveLease(VaultLeaseEntry lease)
    {
        if (_leases.Remove(lease.LeaseId))
        {
            Database.Removed(lease);
        }
    }

    /// <summary>Applies every expiry that is due (tokens, then leases).</summary>
    public void Sweep()
    {
        foreach (var token in _tokens.Values.ToList())
        {
            _ = FindLiveToken(token.Id);
        }

        foreach (var leaseId in _leases.Keys.ToList())
        {
            _ = FindLiveLease(leaseId);
        }
    }
}
