using Microsoft.Extensions.Options;

namespace AksSample;

/// <summary>
/// Listens to <see cref="IOptionsMonitor{TOptions}.OnChange"/> for <see cref="DatabaseOptions"/> (and, when Vault issues
/// dynamic credentials, <see cref="DynamicDatabaseOptions"/>) and keeps, per property, the current fingerprint and when it
/// last changed. Logs each rotation with the new fingerprint; never a value.
/// </summary>
public sealed partial class SecretChangeTracker : IDisposable
{
    private static readonly (string Key, Func<DatabaseOptions, DynamicDatabaseOptions, string?> Read)[] DatabaseProperties =
    [
        (Key(DatabaseOptions.SectionName, nameof(DatabaseOptions.User)), static (options, _) => options.User),
        (Key(DatabaseOptions.SectionName, nameof(DatabaseOptions.Password)), static (options, _) => options.Password),
        (Key(DatabaseOptions.SectionName, nameof(DatabaseOptions.ConnectionString)), static (options, _) => options.ConnectionString),
        (Key(DatabaseOptions.SectionName, nameof(DatabaseOptions.ApiKey)), static (options, _) => options.ApiKey),
        (Key(DatabaseOptions.SectionName, nameof(DatabaseOptions.EncryptionKey)), static (options, _) => options.EncryptionKey),
        (Key(DatabaseOptions.SectionName, nameof(DatabaseOptions.SigningKey)), static (options, _) => options.SigningKey),
    ];

    private static readonly (string Key, Func<DatabaseOptions, DynamicDatabaseOptions, string?> Read)[] DynamicProperties =
    [
        (Key(DynamicDatabaseOptions.SectionName, nameof(DynamicDatabaseOptions.Username)), static (_, dynamic) => dynamic.Username),
        (Key(DynamicDatabaseOptions.SectionName, nameof(DynamicDatabaseOptions.Password)), static (_, dynamic) => dynamic.Password),
    ];

    private readonly IOptionsMonitor<DatabaseOptions> _database;
    private readonly IOptionsMonitor<DynamicDatabaseOptions> _dynamic;
    private readonly (string Key, Func<DatabaseOptions, DynamicDatabaseOptions, string?> Read)[] _properties;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SecretChangeTracker> _logger;
    private readonly Lock _gate = new();
    private readonly IDisposable? _databaseSubscription;
    private readonly IDisposable? _dynamicSubscription;
    private TrackedSecret[] _secrets;

    public SecretChangeTracker(
        IOptionsMonitor<DatabaseOptions> database,
        IOptionsMonitor<DynamicDatabaseOptions> dynamicDatabase,
        SampleMode mode,
        TimeProvider timeProvider,
        ILogger<SecretChangeTracker> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(dynamicDatabase);
        ArgumentNullException.ThrowIfNull(mode);
        _database = database;
        _dynamic = dynamicDatabase;
        _properties = mode.ReadsDynamicCredentials ? [.. DatabaseProperties, .. DynamicProperties] : DatabaseProperties;
        _timeProvider = timeProvider;
        _logger = logger;
        var now = timeProvider.GetUtcNow();
        var (current, currentDynamic) = (database.CurrentValue, dynamicDatabase.CurrentValue);
        _secrets = [.. _properties.Select(property => new TrackedSecret(property.Key, SecretFingerprint.Of(property.Read(current, currentDynamic)), now, 0))];

        // One configuration reload notifies both monitors; each handler compares every property, so a change is seen once.
        _databaseSubscription = database.OnChange((_, name) => OnChanged(name));
        _dynamicSubscription = dynamicDatabase.OnChange((_, name) => OnChanged(name));
    }

    /// <summary>A snapshot of every tracked secret, in a fixed order.</summary>
    public IReadOnlyList<TrackedSecret> Secrets => Volatile.Read(ref _secrets);

    public void Dispose()
    {
        _databaseSubscription?.Dispose();
        _dynamicSubscription?.Dispose();
    }

    private void OnChanged(string? name)
    {
        if (name != Options.DefaultName)
        {
            return;
        }

        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            var (database, dynamic) = (_database.CurrentValue, _dynamic.CurrentValue);
            var next = new TrackedSecret[_secrets.Length];
            var changed = 0;
            for (var i = 0; i < _properties.Length; i++)
            {
                var previous = _secrets[i];
                var fingerprint = SecretFingerprint.Of(_properties[i].Read(database, dynamic));
                if (fingerprint == previous.Fingerprint)
                {
                    next[i] = previous;
                    continue;
                }

                next[i] = previous with { Fingerprint = fingerprint, LastChanged = now, ChangeCount = previous.ChangeCount + 1 };
                changed++;
                LogSecretRotated(_logger, previous.Key, previous.Fingerprint ?? "(not set)", fingerprint ?? "(not set)");
            }

            Volatile.Write(ref _secrets, next);
            if (changed == 0)
            {
                LogNothingRotated(_logger);
            }
        }
    }

    [LoggerMessage(1000, LogLevel.Information, "Secret {Key} rotated: fingerprint {OldFingerprint} -> {NewFingerprint}")]
    private static partial void LogSecretRotated(ILogger logger, string key, string oldFingerprint, string newFingerprint);

    [LoggerMessage(1001, LogLevel.Debug, "Configuration reloaded; no tracked secret changed")]
    private static partial void LogNothingRotated(ILogger logger);

    private static string Key(string section, string property) => $"{section}:{property}";
}
