using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;
using SecretRotation.AspNetCore.Certificates;

namespace SecretRotation;

/// <summary>
/// The certificate currently at a configuration key (a Key Vault certificate's secret, a mounted PEM or PFX): parsed once
/// per change of the value (compared by hash, so a reload that leaves it alone parses nothing), read without locks on
/// every TLS handshake. A value that is malformed, has no private key, or is expired or not yet valid keeps the last good
/// certificate; it is logged (key and reason, never the value) and counted on <c>secretrotation.certificate.rejections</c>.
/// A replaced certificate is disposed <see cref="RotatingCertificateOptions.DrainTimeout"/> after the swap.
/// </summary>
public sealed class RotatingCertificate : IDisposable
{
    private static readonly Meter Meter = new(SecretRotationDiagnostics.MeterName);

    private static readonly Counter<long> Loads = Meter.CreateCounter<long>(
        "secretrotation.certificate.loads", "{certificate}", "Certificates loaded from configuration, by key.");

    private static readonly Counter<long> Rejections = Meter.CreateCounter<long>(
        "secretrotation.certificate.rejections", "{value}", "Configuration values refused as certificates (last good kept), by key and reason.");

    private readonly IConfiguration _configuration;
    private readonly string? _passwordKey;
    private readonly TimeSpan _drainTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IDisposable _reloadRegistration;
    private readonly Lock _lock = new();
    private readonly List<(ParsedCertificate Certificate, ITimer Timer)> _retired = [];
    private ParsedCertificate? _current;
    private byte[]? _lastRejectedHash;
    private bool _disposed;

    /// <summary>Loads the certificate now and again whenever <paramref name="configuration"/> reloads with a different value.</summary>
    /// <exception cref="ArgumentException"><see cref="RotatingCertificateOptions.CertificateKey"/> is empty.</exception>
    public RotatingCertificate(IConfiguration configuration, RotatingCertificateOptions options, ILogger<RotatingCertificate>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.CertificateKey, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.DrainTimeout, TimeSpan.Zero, nameof(options));
        _configuration = configuration;
        CertificateKey = options.CertificateKey;
        _passwordKey = options.PasswordKey;
        _drainTimeout = options.DrainTimeout;
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        Reload();
        _reloadRegistration = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    /// <summary>The configuration key the certificate is read from.</summary>
    public string CertificateKey { get; }

    /// <summary>The last good certificate (with its private key), or <see langword="null"/> while none has been loaded.</summary>
    /// <remarks>Do not dispose it: it is owned here and disposed <see cref="RotatingCertificateOptions.DrainTimeout"/> after it is replaced.</remarks>
    public X509Certificate2? Current => Volatile.Read(ref _current)?.Certificate;

    /// <summary>0 while no certificate has been loaded, 1 for the first, +1 per replacement.</summary>
    public long Generation => Volatile.Read(ref _current)?.Generation ?? 0;

    /// <summary>How long a replaced certificate (or client handler) is kept.</summary>
    internal TimeSpan DrainTimeout => _drainTimeout;

    /// <summary>The certificate's clock, which the client handlers built on it drain by too.</summary>
    internal TimeProvider TimeProvider => _timeProvider;

    /// <summary>The last good certificate with its chain, or <see langword="null"/> while none has been loaded.</summary>
    internal ParsedCertificate? CurrentParsed => Volatile.Read(ref _current);

    /// <summary>Disposes the current and the replaced certificates and stops following the configuration.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _reloadRegistration?.Dispose();
            foreach (var (certificate, timer) in _retired)
            {
                timer.Dispose();
                certificate.Dispose();
            }

            _retired.Clear();
            _current?.Dispose();
        }
    }

    /// <summary>Reads the value now; a no-op when it is the value last loaded or last refused.</summary>
    internal void Reload()
    {
        var value = _configuration[CertificateKey];
        var password = _passwordKey is null ? null : _configuration[_passwordKey];
        var hash = Hash(value, password);
        lock (_lock)
        {
            if (_disposed || (_current is { } current && CryptographicOperations.FixedTimeEquals(current.Hash, hash))
                || (_lastRejectedHash is { } rejected && CryptographicOperations.FixedTimeEquals(rejected, hash)))
            {
                return;
            }

            var rejection = CertificateParser.TryParse(value, password, _timeProvider.GetUtcNow(), out var certificate, out var intermediates);
            if (certificate is null)
            {
                Reject(hash, rejection);
                return;
            }

            _lastRejectedHash = null;
            var replaced = _current;
            ParsedCertificate next;
            try
            {
                next = new ParsedCertificate(certificate, intermediates, hash, (replaced?.Generation ?? 0) + 1);
            }
            catch (CryptographicException)
            {
                certificate.Dispose();
                foreach (var intermediate in intermediates)
                {
                    intermediate.Dispose();
                }

                Reject(hash, CertificateRejection.Malformed);
                return;
            }

            Volatile.Write(ref _current, next);
            Loads.Add(1, new KeyValuePair<string, object?>("secretrotation.key", CertificateKey));
            CertificateLog.Loaded(_logger, CertificateKey, next.Generation, certificate.Thumbprint, certificate.NotAfter.ToUniversalTime());
            if (replaced is not null)
            {
                Retire(replaced);
            }
        }
    }

    /// <summary>Remembers the rejected value (so it is not parsed again), counts it and logs whether the last good certificate is kept.</summary>
    private void Reject(byte[] hash, CertificateRejection rejection)
    {
        _lastRejectedHash = hash;
        Rejections.Add(1, new KeyValuePair<string, object?>("secretrotation.key", CertificateKey), new KeyValuePair<string, object?>("reason", rejection.ToString()));
        if (_current is { } kept)
        {
            CertificateLog.RejectedKeptLastGood(_logger, CertificateKey, rejection, kept.Generation);
        }
        else
        {
            CertificateLog.RejectedNoneLoaded(_logger, CertificateKey, rejection);
        }
    }

    /// <summary>Disposes <paramref name="certificate"/> after the drain timeout (a handshake may have picked it a moment ago).</summary>
    private void Retire(ParsedCertificate certificate)
    {
        ITimer? timer = null;
        timer = _timeProvider.CreateTimer(_ =>
        {
            lock (_lock)
            {
                var index = _retired.FindIndex(entry => ReferenceEquals(entry.Certificate, certificate));
                if (index < 0)
                {
                    return;
                }

                _retired[index].Timer.Dispose();
                _retired.RemoveAt(index);
            }

            certificate.Dispose();
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _retired.Add((certificate, timer));
        timer.Change(_drainTimeout, Timeout.InfiniteTimeSpan);
    }

    private static byte[] Hash(string? value, string? password)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(value is null ? [0] : [1]);
        hash.AppendData(Encoding.UTF8.GetBytes(value ?? ""));
        hash.AppendData(password is null ? [0] : [1]);
        hash.AppendData(Encoding.UTF8.GetBytes(password ?? ""));
        return hash.GetHashAndReset();
    }
}
