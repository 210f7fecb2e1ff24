using Microsoft.Extensions.Options;

namespace AksSample;

/// <summary>
/// Listens to <see cref="IOptionsMonitor{TOptions}.OnChange"/> for <see cref="DatabaseOptions"/> and keeps, per property,
/// the current fingerprint and when it last changed. Logs each rotation with the new fingerprint; never a value.
/// </summary>
public sealed partial class SecretChangeTracker : IDisposable
{
    private static readonly (string Key, Func<DatabaseOptions, string?> Read)[] Properties =
    [
        (Key(nameof(DatabaseOptions.User)), static options => options.User),
        (Key(nameof(DatabaseOptions.Password)), static options => options.Password),
        (Key(nameof(DatabaseOptions.ConnectionString)), static options => options.ConnectionString),
        (Key(nameof(DatabaseOptions.ApiKey)), static options => options.ApiKey),
    ];

    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SecretChangeTracker> _logger;
    private readonly Lock _gate = new();
    private readonly IDisposable? _subscription;
    private TrackedSecret[] _secrets;

    public SecretChangeTracker(IOptionsMonitor<DatabaseOptions> options, TimeProvider timeProvider, ILogger<SecretChangeTracker> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeProvider = timeProvider;
        _logger = logger;
        var now = timeProvider.GetUtcNow();
        var current = options.CurrentValue;
        _secrets = [.. Properties.Select(property => new TrackedSecret(property.Key, SecretFingerprint.Of(property.Read(current)), now, 0))];
        _subscription = options.OnChange(OnChanged);
    }

    /// <summary>A snapshot of every tracked secret, in a fixed order.</summary>
    public IReadOnlyList<TrackedSecret> Secrets => Volatile.Read(ref _secrets);

    public void Dispose() => _subscription?.Dispose();

    private void OnChanged(DatabaseOptions options, string? name)
    {
        if (name != Options.DefaultName)
        {
            return;
        }

        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            var next = new TrackedSecret[_secrets.Length];
            var changed = 0;
            for (var i = 0; i < Properties.Length; i++)
            {
                var previous = _secrets[i];
                var fingerprint = SecretFingerprint.Of(Properties[i].Read(options));
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

    [LoggerMessage(1001, LogLevel.Debug, "Configuration reloaded; no database secret changed")]
    private static partial void LogNothingRotated(ILogger logger);

    private static string Key(string property) => $"{DatabaseOptions.SectionName}:{property}";
}
