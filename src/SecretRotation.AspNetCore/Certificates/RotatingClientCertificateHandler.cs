using Microsoft.Extensions.Logging;

namespace SecretRotation.AspNetCore.Certificates;

/// <summary>
/// The primary handler <c>UseRotatingClientCertificate</c> gives an <see cref="HttpClient"/>: it sends through a
/// <see cref="SocketsHttpHandler"/> built with the current client certificate and, when the certificate changes, builds a
/// new one for new requests while the old one finishes the requests it has (then it is disposed, with its connections
/// authenticated by the old certificate; at the latest after the drain timeout).
/// </summary>
internal sealed class RotatingClientCertificateHandler : HttpMessageHandler
{
    private readonly RotatingCertificate _certificate;
    private readonly Action<SocketsHttpHandler>? _configureHandler;
    private readonly TimeSpan _drainTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly HashSet<ClientHandlerGeneration> _draining = [];
    private ClientHandlerGeneration _current;
    private bool _disposed;

    public RotatingClientCertificateHandler(RotatingCertificate certificate, Action<SocketsHttpHandler>? configureHandler, TimeSpan drainTimeout, TimeProvider timeProvider, ILogger logger)
    {
        _certificate = certificate;
        _configureHandler = configureHandler;
        _drainTimeout = drainTimeout;
        _timeProvider = timeProvider;
        _logger = logger;
        _current = Build();
    }

    /// <summary>The certificate generation the next request is sent with (for tests).</summary>
    internal long HandlerGeneration => Volatile.Read(ref _current).CertificateGeneration;

    /// <summary>Replaced handlers not disposed yet: still finishing their requests (for tests).</summary>
    internal int DrainingCount
    {
        get
        {
            lock (_lock)
            {
                _draining.RemoveWhere(static generation => generation.IsDisposed);
                return _draining.Count;
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var generation = Acquire();
        try
        {
            return await generation.Invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            generation.Release();
        }
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var generation = Acquire();
        try
        {
            return generation.Invoker.Send(request, cancellationToken);
        }
        finally
        {
            generation.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_lock)
            {
                if (!_disposed)
                {
                    _disposed = true;
                    _current.Retire();
                    foreach (var generation in _draining)
                    {
                        generation.Dispose();
                    }

                    _draining.Clear();
                }
            }
        }

        base.Dispose(disposing);
    }

    private ClientHandlerGeneration Acquire()
    {
        // Bounded: each retry follows a swap, and a swap happens only when the certificate's generation moved on.
        for (var attempt = 0; ; attempt++)
        {
            var current = Volatile.Read(ref _current);
            if (current.CertificateGeneration != _certificate.Generation)
            {
                current = Swap();
            }

            if (current.TryAcquire())
            {
                return current;
            }

            ObjectDisposedException.ThrowIf(_disposed || attempt > 1000, this);
        }
    }

    private ClientHandlerGeneration Swap()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var old = _current;
            if (old.CertificateGeneration == _certificate.Generation)
            {
                return old;
            }

            var next = Build();
            Volatile.Write(ref _current, next);
            CertificateLog.ClientHandlerSwapped(_logger, _certificate.CertificateKey, next.CertificateGeneration);
            _draining.RemoveWhere(static generation => generation.IsDisposed);
            _draining.Add(old);
            old.DrainTimer = _timeProvider.CreateTimer(static state =>
            {
                var (generation, logger, key) = ((ClientHandlerGeneration, ILogger, string))state!;
                if (generation.Leases > 0)
                {
                    CertificateLog.ClientHandlerDrainTimedOut(logger, key, generation.Leases);
                }

                generation.Dispose();
            }, (old, _logger, _certificate.CertificateKey), Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

            // Armed only once assigned: a zero drain timeout fires at once, and the disposal must find the timer to dispose it.
            old.DrainTimer.Change(_drainTimeout, Timeout.InfiniteTimeSpan);
            old.Retire();
            return next;
        }
    }

    private ClientHandlerGeneration Build()
    {
        // Generation first: a certificate swapped between the two reads is picked up by the next request's comparison.
        var certificateGeneration = _certificate.Generation;
        var certificate = _certificate.CurrentParsed;
        var handler = new SocketsHttpHandler();
        _configureHandler?.Invoke(handler);

        // The context carries the chain that came with the certificate and is sent whatever CA names the server asks for.
        handler.SslOptions.ClientCertificateContext = certificate?.Context;
        return new ClientHandlerGeneration(handler, certificateGeneration);
    }
}
