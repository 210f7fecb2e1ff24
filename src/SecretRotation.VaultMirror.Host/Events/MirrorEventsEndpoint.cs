using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SecretRotation.VaultMirror.Configuration;
using SecretRotation.VaultMirror.Hosting;
using SecretRotation.VaultMirror.Mirroring;

namespace SecretRotation.VaultMirror.Events;

/// <summary>
/// <c>/events</c>: Event Grid deliveries of Key Vault secret events (Event Grid schema or CloudEvents), with the same shared-key
/// check, envelope parsing and handshakes as <c>MapSecretRotationEvents</c>. Each new version is mirrored before answering; a
/// failure answers 503 so Event Grid retries; an event whose <c>ObjectName</c> is not a Key Vault secret name answers 400 and
/// nothing in the delivery is mirrored. Duplicate and stale events are no-ops (versions are compared in Vault's
/// <c>custom_metadata</c> and with Key Vault's latest version).
/// </summary>
internal sealed class MirrorEventsEndpoint(MirrorOptions options, MirrorReconciler reconciler, ILogger<MirrorEventsEndpoint> logger)
{
    private readonly EventGridWebhook? _webhook = options.EventKeys.Count == 0 ? null : CreateWebhook(options.EventKeys, logger);
    private readonly string _store = options.KeyVaultUri is { } uri ? (uri.IsDefaultPort ? uri.Host : uri.Authority) : string.Empty;

    public Task HandleOptionsAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_webhook is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return _webhook.HandleAsync(context, MirrorAsync);
    }

    public async Task HandlePostAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_webhook is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await _webhook.HandleAsync(context, MirrorAsync);
    }

    private async Task<bool> MirrorAsync(IReadOnlyList<SecretChangeNotice> notices, CancellationToken cancellationToken)
    {
        var failed = false;
        foreach (var notice in notices)
        {
            // The vault's host, or its name (the first label: Event Grid's VaultName), as before.
            if (!string.Equals(notice.Store, _store, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(VaultName(notice.Store), _store.Split('.')[0], StringComparison.OrdinalIgnoreCase))
            {
                MirrorHostLog.EventIgnored(logger, notice.SecretName, notice.Store, "another vault");
                continue;
            }

            var outcome = await reconciler.ReconcileSecretAsync(notice.SecretName, notice.Version, cancellationToken);
            MirrorHostLog.EventHandled(logger, notice.SecretName, notice.Version, outcome);
            failed |= outcome is MirrorOutcome.Failed or MirrorOutcome.Conflict;
        }

        return !failed;
    }

    private static string VaultName(string store) => Uri.CheckHostName(store) == UriHostNameType.Dns ? store.Split('.')[0] : store;

    private static EventGridWebhook CreateWebhook(IEnumerable<string> keys, ILogger logger)
    {
        var events = new SecretRotationEventsOptions();
        foreach (var key in keys)
        {
            events.AccessKeys.Add(key);
        }

        return new EventGridWebhook(events, logger);
    }
}
