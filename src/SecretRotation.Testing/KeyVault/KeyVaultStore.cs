namespace SecretRotation.Testing;

/// <summary>The emulated vault's secrets: thread-safe (one lock), versions ordered by a write counter, soft delete optional.</summary>
internal sealed class KeyVaultStore(TimeProvider timeProvider, bool purgeOnDelete)
{
    /// <summary>The soft-delete retention the service reports in <c>recoverableDays</c> by default.</summary>
    public const int SoftDeleteRetentionDays = 90;

    private const long SecondsPerDay = 86_400;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredSecret> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, StoredSecret> _deleted = new(StringComparer.OrdinalIgnoreCase);
    private long _sequence;

    public bool PurgeOnDelete => purgeOnDelete;

    /// <summary>The <c>recoveryLevel</c> attribute every secret reports.</summary>
    public string RecoveryLevel => purgeOnDelete ? "Purgeable" : "Recoverable+Purgeable";

    /// <summary>The <c>recoverableDays</c> attribute every secret reports.</summary>
    public int RecoverableDays => purgeOnDelete ? 0 : SoftDeleteRetentionDays;

    /// <summary>A Key Vault object name: 1-127 characters of <c>0-9</c>, <c>a-z</c>, <c>A-Z</c> and <c>-</c>.</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= 127 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>Adds a new version (creating the secret if needed) and makes it the latest.</summary>
    /// <exception cref="KeyVaultErrorException">409 when the name belongs to a soft-deleted secret.</exception>
    public SecretSnapshot Set(string name, string value, SecretChanges changes)
    {
        var now = Now();
        lock (_gate)
        {
            if (_deleted.ContainsKey(name))
            {
                throw KeyVaultErrorException.DeletedButRecoverable(name);
            }

            if (!_secrets.TryGetValue(name, out var secret))
            {
                secret = new StoredSecret(name);
                _secrets.Add(name, secret);
            }

            var version = new StoredSecretVersion
            {
                Version = Guid.NewGuid().ToString("N"),
                Sequence = ++_sequence,
                Value = value,
                ContentType = changes.ContentType,
                Enabled = changes.Enabled ?? true,
                NotBefore = changes.NotBefore,
                Expires = changes.Expires,
                Created = now,
                Updated = now,
                Tags = changes.Tags,
            };
            secret.Versions.Add(version);
            return new SecretSnapshot(secret.Name, version);
        }
    }

    /// <summary>The latest version (<paramref name="version"/> <see langword="null"/>) or the given one, enabled or not.</summary>
    /// <exception cref="KeyVaultErrorException">404 when the secret or version does not exist (or is deleted).</exception>
    public SecretSnapshot Get(string name, string? version)
    {
        lock (_gate)
        {
            var (secret, index) = Find(name, version);
            return new SecretSnapshot(secret.Name, secret.Versions[index]);
        }
    }

    /// <summary>Changes the attributes, content type or tags of one version (the latest when <paramref name="version"/> is <see langword="null"/>).</summary>
    public SecretSnapshot Update(string name, string? version, SecretChanges changes)
    {
        var now = Now();
        lock (_gate)
        {
            var (secret, index) = Find(name, version);
            var current = secret.Versions[index];
            var updated = current with
            {
                ContentType = changes.HasContentType ? changes.ContentType : current.ContentType,
                Enabled = changes.Enabled ?? current.Enabled,
                NotBefore = changes.HasNotBefore ? changes.NotBefore : current.NotBefore,
                Expires = changes.HasExpires ? changes.Expires : current.Expires,
                Tags = changes.HasTags ? changes.Tags : current.Tags,
                Updated = now,
            };
            secret.Versions[index] = updated;
            return new SecretSnapshot(secret.Name, updated);
        }
    }

    /// <summary>Deletes every version: soft delete, or gone for good with <see cref="PurgeOnDelete"/>.</summary>
    public SecretSnapshot Delete(string name)
    {
        var now = Now();
        lock (_gate)
        {
            if (!_secrets.Remove(name, out var secret))
            {
                throw KeyVaultErrorException.SecretNotFound(name);
            }

            if (purgeOnDelete)
            {
                return new SecretSnapshot(secret.Name, secret.Latest);
            }

            secret.DeletedDate = now;
            secret.ScheduledPurgeDate = now + (SoftDeleteRetentionDays * SecondsPerDay);
            _deleted[secret.Name] = secret;
            return new SecretSnapshot(secret.Name, secret.Latest, secret.DeletedDate, secret.ScheduledPurgeDate);
        }
    }

    public SecretSnapshot GetDeleted(string name)
    {
        lock (_gate)
        {
            return _deleted.TryGetValue(name, out var secret)
                ? new SecretSnapshot(secret.Name, secret.Latest, secret.DeletedDate, secret.ScheduledPurgeDate)
                : throw KeyVaultErrorException.SecretNotFound(name);
        }
    }

    public void Purge(string name)
    {
        lock (_gate)
        {
            if (!_deleted.Remove(name))
            {
                throw KeyVaultErrorException.SecretNotFound(name);
            }
        }
    }

    public SecretSnapshot Recover(string name)
    {
        lock (_gate)
        {
            if (!_deleted.Remove(name, out var secret))
            {
                throw KeyVaultErrorException.SecretNotFound(name);
            }

            _secrets[secret.Name] = secret;
            return new SecretSnapshot(secret.Name, secret.Latest);
        }
    }

    /// <summary>One page of live secrets (latest versions) ordered by name, after <paramref name="afterName"/>.</summary>
    /// <returns>The page and the name to continue after, or <see langword="null"/> on the last page.</returns>
    public (IReadOnlyList<SecretSnapshot> Items, string? ContinueAfter) List(int maxResults, string? afterName)
    {
        lock (_gate)
        {
            var candidates = _secrets.Values
                .Where(secret => afterName is null || StringComparer.OrdinalIgnoreCase.Compare(secret.Name, afterName) > 0)
                .OrderBy(secret => secret.Name, StringComparer.OrdinalIgnoreCase)
                .Take(maxResults + 1)
                .ToList();
            var page = candidates.Take(maxResults).Select(secret => new SecretSnapshot(secret.Name, secret.Latest)).ToList();
            return (page, candidates.Count > maxResults ? page[^1].Name : null);
        }
    }

    /// <summary>One page of a secret's versions, oldest first, after the version with sequence <paramref name="afterSequence"/>. An unknown name lists nothing.</summary>
    public (IReadOnlyList<SecretSnapshot> Items, long? ContinueAfter) ListVersions(string name, int maxResults, long afterSequence)
    {
        lock (_gate)
        {
            if (!_secrets.TryGetValue(name, out var secret))
            {
                return ([], null);
            }

            var candidates = secret.Versions.Where(version => version.Sequence > afterSequence).Take(maxResults + 1).ToList();
            var page = candidates.Take(maxResults).Select(version => new SecretSnapshot(secret.Name, version)).ToList();
            return (page, candidates.Count > maxResults ? page[^1].Version.Sequence : null);
        }
    }

    private (StoredSecret Secret, int Index) Find(string name, string? version)
    {
        if (!_secrets.TryGetValue(name, out var secret))
        {
            throw KeyVaultErrorException.SecretNotFound(name);
        }

        if (version is null)
        {
            return (secret, secret.Versions.Count - 1);
        }

        var index = secret.Versions.FindIndex(candidate => candidate.Version.Equals(version, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? (secret, index) : throw KeyVaultErrorException.SecretNotFound($"{name}/{version}");
    }

    private long Now() => timeProvider.GetUtcNow().ToUnixTimeSeconds();
}
