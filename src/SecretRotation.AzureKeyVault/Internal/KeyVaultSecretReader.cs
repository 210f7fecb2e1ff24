using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SecretRotation.Shared;

namespace SecretRotation.AzureKeyVault.Internal;

/// <summary>
/// Reads one vault. A full read lists secret properties (whole-vault mode) and fetches only secrets that are new, changed
/// or not yet settled; named mode fetches each named secret; a targeted read fetches only what change notices name.
/// State changes only when a read succeeds, so a failed read leaves nothing half done and the next read fetches exactly
/// what is still missing.
/// </summary>
internal sealed class KeyVaultSecretReader : ISecretSource
{
    private const int RememberedVersionsPerSecret = 16;

    /// <summary>
    /// The most secrets one targeted read fetches one by one. Change notices naming more (distinct, unseen) secrets make the
    /// read a poll instead (list, then fetch what changed): past this many GETs a list is cheaper for vaults of up to
    /// 800 secrets (25 a page), and a flood of notices costs list pages, not a GET per name.
    /// </summary>
    internal const int MaxNoticesPerRead = 32;

    /// <summary>
    /// The shortest time between two listings that change notices ask for (notices naming a secret the last listing did not
    /// show). Notices that arrive sooner wait for a listing at the end of this interval; a stream of notices for names that
    /// do not exist costs at most one listing per interval.
    /// </summary>
    internal static readonly TimeSpan NoticeListingInterval = TimeSpan.FromSeconds(30);

    private readonly SecretClient _client;
    private readonly string[]? _names;
    private readonly KeyVaultSecretMapper _mapper;
    private readonly int _maxConcurrency;
    private readonly bool _expandJson;
    private readonly TimeProvider _time;
    private readonly string _vault;
    private readonly Dictionary<string, Queue<string>> _seenVersions = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _warnedCollisions = new(StringComparer.OrdinalIgnoreCase);

    private Dictionary<string, LoadedSecret> _loaded = new(StringComparer.OrdinalIgnoreCase);
    private DateTimeOffset? _nextValidFrom;
    private HashSet<string> _listed = new(StringComparer.OrdinalIgnoreCase);
    private long? _lastListing;
    private DateTimeOffset? _listingDue;

    public KeyVaultSecretReader(SecretClient client, string[]? names, KeyVaultSecretMapper mapper, int maxConcurrency, bool expandJson, TimeProvider time)
    {
        _client = client;
        _names = names;
        _mapper = mapper;
        _maxConcurrency = maxConcurrency;
        _expandJson = expandJson;
        _time = time;
        _vault = client.VaultUri.IsDefaultPort ? client.VaultUri.Host : client.VaultUri.Authority;
        Name = $"azurekeyvault:{_vault}";
    }

    public string Name { get; }

    public int MaxConcurrency => _maxConcurrency;

    /// <summary>How many secret versions are remembered as seen, for tests and benchmarks (bounded by the secrets held).</summary>
    internal int RememberedVersionCount
    {
        get
        {
            lock (_seenVersions)
            {
                return _seenVersions.Values.Sum(versions => versions.Count);
            }
        }
    }

    public bool IsOwnNotice(SecretChangeNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (!string.Equals(notice.StoreKind, SecretStoreKinds.AzureKeyVault, StringComparison.OrdinalIgnoreCase) || !IsThisVault(notice.Store))
        {
            return false;
        }

        // Asked before any request: a name this source would never include (another app's prefix, a name not in SecretNames) costs nothing.
        return (_names is null || _names.Contains(notice.SecretName, StringComparer.OrdinalIgnoreCase)) && _mapper.MayInclude(notice.SecretName);
    }

    public bool HoldsSecret(SecretChangeNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);

        // _loaded is replaced whole after each read, never changed in place, so reading it from another thread is safe.
        return IsOwnNotice(notice)
            && Volatile.Read(ref _loaded).TryGetValue(notice.SecretName, out var held)
            && (notice.Version is null || string.Equals(held.Properties.Version, notice.Version, StringComparison.OrdinalIgnoreCase));
    }

    public async Task<SecretSet> ReadAsync(SecretReadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _time.GetTimestamp();
        var read = request.IsTargeted
            ? await ReadNoticesAsync(request, cancellationToken)
            : _names is null
                ? await ReadWholeVaultAsync(request.Logger, mustFetch: [], cancellationToken)
                : await ReadNamedAsync(request.Logger, cancellationToken);

        var loaded = read.Loaded;
        if (read.Listed is not null)
        {
            _listed = read.Listed;
            _lastListing = started;
            _listingDue = null;
        }
        else if (read.ListingDue is { } due && (_listingDue is null || due < _listingDue))
        {
            _listingDue = due;
        }

        var set = BuildSet(loaded, Earliest(read.NextValidFrom, _listingDue), request.Logger);
        Volatile.Write(ref _loaded, loaded);
        _nextValidFrom = read.NextValidFrom;
        ForgetVersionsOfUnloadedSecrets(loaded);
        foreach (var secret in loaded.Values)
        {
            Remember(secret.Properties.Name, secret.Properties.Version);
        }

        // A notice's version was current when the event was sent; the latest we just fetched is at least as new, so that
        // version is now passed and a later notice naming it (a redelivery by another path, a burst) fetches nothing.
        // Only for secrets we hold: versions named for anything else would be remembered forever.
        if (request.IsTargeted)
        {
            foreach (var notice in request.Notices.Where(n => n.Version is not null && loaded.ContainsKey(n.SecretName)))
            {
                Remember(notice.SecretName, notice.Version);
            }
        }

        return set;
    }

    public void Dispose()
    {
        // The SecretClient belongs to the caller (or to the extension method that made it) and holds nothing to release.
    }

    /// <summary>Lists the vault and fetches what is new or changed, plus <paramref name="mustFetch"/> (names change notices asked for).</summary>
    private async Task<VaultRead> ReadWholeVaultAsync(ILogger logger, IReadOnlyCollection<string> mustFetch, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        DateTimeOffset? nextValidFrom = null;
        var next = new Dictionary<string, LoadedSecret>(StringComparer.OrdinalIgnoreCase);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        int pages = 0, listed = 0;

        // Fetches start as soon as the page that names them arrives, not after the last page.
        using var fetches = new FetchBatch(this, logger, vaultAlreadyAsked: true, cancellationToken);
        try
        {
            await foreach (var page in _client.GetPropertiesOfSecretsAsync(cancellationToken).AsPages())
            {
                pages++;
                foreach (var properties in page.Values)
                {
                    listed++;
                    if (_mapper.MayInclude(properties.Name))
                    {
                        names.Add(properties.Name);
                    }

                    if (!IsUsable(properties, now, ref nextValidFrom, logger) || !_mapper.Include(properties))
                    {
                        continue;
                    }

                    if (_loaded.TryGetValue(properties.Name, out var known) && known.IsCurrent(properties)
                        && !mustFetch.Contains(properties.Name, StringComparer.OrdinalIgnoreCase))
                    {
                        next[properties.Name] = known;
                    }
                    else
                    {
                        fetches.Start(properties.Name);
                    }
                }
            }
        }
        catch (RequestFailedException exception)
        {
            await fetches.AbandonAsync();
            throw KeyVaultErrors.ForList(Name, _vault, exception, _time.GetUtcNow());
        }
        catch
        {
            await fetches.AbandonAsync();
            throw;
        }

        var fetched = await fetches.CompleteAsync();
        foreach (var (name, fetchedSecret) in fetched)
        {
            var secret = fetchedSecret;
            if (secret is not null && _loaded.TryGetValue(name, out var before) && !before.IsSettled
                && secret.Properties.UpdatedOn == before.Properties.UpdatedOn)
            {
                // Same 'updated' second as an unsettled fetch: this was its safety re-read, and one is enough.
                secret = secret.AsSafetyReread();
            }

            if (secret is not null && IsUsable(secret.Properties, now, ref nextValidFrom, logger) && _mapper.Include(secret.Properties))
            {
                next[name] = secret;
            }
        }

        KeyVaultLog.PollSummary(logger, Name, listed, pages, fetched.Count);
        return new VaultRead(next, nextValidFrom, names);
    }

    private async Task<VaultRead> ReadNamedAsync(ILogger logger, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        DateTimeOffset? nextValidFrom = null;
        var next = new Dictionary<string, LoadedSecret>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, secret) in await FetchAsync(_names!, logger, cancellationToken))
        {
            if (secret is not null && IsUsable(secret.Properties, now, ref nextValidFrom, logger) && _mapper.Include(secret.Properties))
            {
                next[name] = secret;
            }
        }

        return new VaultRead(next, nextValidFrom);
    }

    private async Task<VaultRead> ReadNoticesAsync(SecretReadRequest request, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var nextValidFrom = _nextValidFrom;
        var next = new Dictionary<string, LoadedSecret>(_loaded, StringComparer.OrdinalIgnoreCase);
        var names = new List<string>();
        var named = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var notice in request.Notices)
        {
            // The engine hands over only notices IsOwnNotice accepted: no second ownership check here.
            if (named.Contains(notice.SecretName))
            {
                continue;
            }

            // At least once and unordered: a version we have already loaded (or passed) changes nothing.
            if (notice.Version is { } version && HasSeen(notice.SecretName, version))
            {
                KeyVaultLog.StaleNotice(request.Logger, notice.SecretName, version, Name);
                continue;
            }

            names.Add(notice.SecretName);
            named.Add(notice.SecretName);
        }

        // Whole vault: a name the last listing did not show may be new, or may not exist at all. One listing answers for
        // every such name (instead of a GET each), and too many names at once make the read a poll.
        DateTimeOffset? listingDue = null;
        if (_names is null && names.Count > 0)
        {
            var unlisted = names.Count(name => !_listed.Contains(name) && !_loaded.ContainsKey(name));
            if (unlisted > 0 || names.Count > MaxNoticesPerRead)
            {
                var wait = _lastListing is { } last ? NoticeListingInterval - _time.GetElapsedTime(last) : TimeSpan.Zero;
                if (wait <= TimeSpan.Zero)
                {
                    KeyVaultLog.NoticesListVault(request.Logger, names.Count, unlisted, Name);
                    return await ReadWholeVaultAsync(request.Logger, names.Count <= MaxNoticesPerRead ? names : [], cancellationToken);
                }

                // Listed a moment ago: the listing waits (the engine reads again at its due time); the secrets the last
                // listing showed are still fetched now unless there are too many.
                listingDue = now + wait;
                KeyVaultLog.NoticesWaitForListing(request.Logger, names.Count, unlisted, Name, listingDue.Value);
                names = names.Count <= MaxNoticesPerRead ? names.Where(name => _listed.Contains(name) || _loaded.ContainsKey(name)).ToList() : [];
            }
        }

        foreach (var (name, secret) in await FetchAsync(names, request.Logger, cancellationToken))
        {
            next.Remove(name);
            if (secret is not null && IsUsable(secret.Properties, now, ref nextValidFrom, request.Logger) && _mapper.Include(secret.Properties))
            {
                next[secret.Properties.Name] = secret;
            }
        }

        return new VaultRead(next, nextValidFrom, ListingDue: listingDue);
    }

    /// <summary>Fetches the latest version of each secret, at most <see cref="_maxConcurrency"/> at once. Null: deleted or disabled.</summary>
    private async Task<IReadOnlyList<KeyValuePair<string, LoadedSecret?>>> FetchAsync(IReadOnlyCollection<string> names, ILogger logger, CancellationToken cancellationToken)
    {
        using var batch = new FetchBatch(this, logger, vaultAlreadyAsked: false, cancellationToken);
        foreach (var name in names)
        {
            batch.Start(name);
        }

        return await batch.CompleteAsync();
    }

    internal async Task<LoadedSecret?> FetchOneAsync(string name, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            var requestedAt = _time.GetUtcNow();
            var response = await _client.GetSecretAsync(name, version: null, cancellationToken);
            var secret = response.Value;
            return new LoadedSecret(secret.Properties, secret.Value ?? string.Empty, requestedAt);
        }
        catch (RequestFailedException exception) when (exception.Status == (int)HttpStatusCode.NotFound)
        {
            KeyVaultLog.DeletedBeforeGet(logger, name, Name);
            return null;
        }
        catch (RequestFailedException exception) when (KeyVaultErrors.IsDisabledSecret(exception))
        {
            KeyVaultLog.LeftOut(logger, name, Name, "disabled");
            return null;
        }
        catch (RequestFailedException exception)
        {
            throw KeyVaultErrors.ForGet(Name, _vault, name, exception, _time.GetUtcNow());
        }
    }

    /// <summary>Disabled, not yet valid (nbf) and expired (exp) secrets are left out; a future nbf schedules a read.</summary>
    private bool IsUsable(SecretProperties properties, DateTimeOffset now, ref DateTimeOffset? nextValidFrom, ILogger logger)
    {
        if (properties.Enabled == false)
        {
            KeyVaultLog.LeftOut(logger, properties.Name, Name, "disabled");
            return false;
        }

        if (properties.NotBefore is { } notBefore && notBefore > now)
        {
            nextValidFrom = nextValidFrom is { } earliest && earliest < notBefore ? earliest : notBefore;
            KeyVaultLog.LeftOut(logger, properties.Name, Name, "not valid before its nbf");
            return false;
        }

        if (properties.ExpiresOn is { } expiresOn && expiresOn <= now)
        {
            KeyVaultLog.LeftOut(logger, properties.Name, Name, "expired");
            return false;
        }

        return true;
    }

    /// <summary>Maps secrets to keys. Where two secrets give one key, the most recently updated wins (then the later name), whatever the order they came in.</summary>
    private SecretSet BuildSet(Dictionary<string, LoadedSecret> loaded, DateTimeOffset? nextValidFrom, ILogger logger)
    {
        var entries = new Dictionary<string, (SecretEntry Entry, LoadedSecret From)>(StringComparer.OrdinalIgnoreCase);
        var ordered = loaded.Values
            .OrderBy(secret => secret.Properties.UpdatedOn ?? DateTimeOffset.MinValue)
            .ThenBy(secret => secret.Properties.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var secret in ordered)
        {
            var key = _mapper.GetKey(secret.Properties);
            foreach (var (entryKey, value) in Expand(key, secret, logger))
            {
                var entry = new SecretEntry(value, secret.Properties.Version, secret.Properties.ExpiresOn, secret.Properties.ExpiresOn);
                if (entries.TryGetValue(entryKey, out var earlier) && earlier.From != secret && _warnedCollisions.Add($"{entryKey}\n{earlier.From.Properties.Name}\n{secret.Properties.Name}"))
                {
                    KeyVaultLog.KeyCollision(logger, entryKey, earlier.From.Properties.Name, secret.Properties.Name, Name);
                }

                entries[entryKey] = (entry, secret);
            }
        }

        return new SecretSet(entries.Select(pair => new KeyValuePair<string, SecretEntry>(pair.Key, pair.Value.Entry)), nextValidFrom);
    }

    private IEnumerable<KeyValuePair<string, string>> Expand(string key, LoadedSecret secret, ILogger logger)
    {
        if (!_expandJson || !IsJsonContentType(secret.Properties.ContentType))
        {
            return [new(key, secret.Value)];
        }

        try
        {
            return JsonSecretsParser.Parse(Encoding.UTF8.GetBytes(secret.Value), $"secret '{secret.Properties.Name}'")
                .Select(pair => new KeyValuePair<string, string>(ConfigurationPath.Combine(key, pair.Key), pair.Value));
        }
        catch (FormatException exception)
        {
            KeyVaultLog.JsonNotExpanded(logger, secret.Properties.Name, Name, exception.Message);
            return [new(key, secret.Value)];
        }
    }

    private static bool IsJsonContentType(string? contentType) =>
        contentType is not null
        && (contentType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("application/json;", StringComparison.OrdinalIgnoreCase));

    private bool IsThisVault(string store)
    {
        if (string.Equals(store, _vault, StringComparison.OrdinalIgnoreCase)
            || string.Equals(store, _client.VaultUri.Host, StringComparison.OrdinalIgnoreCase)
            || string.Equals(store.TrimEnd('/'), _client.VaultUri.AbsoluteUri.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // Event Grid names the vault ("myvault"); the client knows its host ("myvault.vault.azure.net").
        var host = _client.VaultUri.Host;
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        return _client.VaultUri.HostNameType == UriHostNameType.Dns && dot > 0
            && string.Equals(store, host[..dot], StringComparison.OrdinalIgnoreCase);
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null || a <= b ? a : b;

    private bool HasSeen(string name, string version)
    {
        lock (_seenVersions)
        {
            return _seenVersions.TryGetValue(name, out var versions) && versions.Contains(version, StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>Versions are remembered only for secrets held now, so names that come and go leave nothing behind.</summary>
    private void ForgetVersionsOfUnloadedSecrets(Dictionary<string, LoadedSecret> loaded)
    {
        lock (_seenVersions)
        {
            foreach (var name in _seenVersions.Keys.Where(name => !loaded.ContainsKey(name)).ToArray())
            {
                _seenVersions.Remove(name);
            }
        }
    }

    private void Remember(string name, string? version)
    {
        if (version is null)
        {
            return;
        }

        lock (_seenVersions)
        {
            if (!_seenVersions.TryGetValue(name, out var versions))
            {
                _seenVersions[name] = versions = new Queue<string>();
            }

            if (versions.Contains(version, StringComparer.OrdinalIgnoreCase))
            {
                return;
            }

            versions.Enqueue(version);
            if (versions.Count > RememberedVersionsPerSecret)
            {
                versions.Dequeue();
            }
        }
    }
}
