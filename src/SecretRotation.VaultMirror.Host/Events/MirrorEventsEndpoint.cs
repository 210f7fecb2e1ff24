using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SecretRotation.AspNetCore.Events;
using SecretRotation.AspNetCore.Http;
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
internal sealed class MirrorEventsEndpoint(MirrorOptions options, SharedKeyValidator keys, MirrorReconciler reconciler, ILogger<MirrorEventsEndpoint> logger)
{
    private const long MaxBodySize = 1024 * 1024;

    private readonly EventGridWebhook _webhook = new(keys, MaxBodySize, logger);
    private readonly string _store = options.KeyVaultUri is { } uri ? (uri.IsDefaultPort ? uri.Host : uri.Authority) : string.Empty;

    public Task HandleOptionsAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (options.EventKeys.Count == 0)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return _webhook.HandleOptionsAsync(context);
    }

    public async Task HandlePostAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (options.EventKeys.Count == 0)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (await _webhook.ReadEventsAsync(context) is not { } events)
        {
            return;
        }

        var notices = new List<(IncomingEvent Event, KeyVaultEventData Data)>();
        foreach (var incoming in events)
        {
            if (incoming.Type is not (KeyVaultEventTypes.SecretNewVersionCreated or KeyVaultEventTypes.SecretExpired))
            {
                MirrorHostLog.EventIgnored(logger, incoming.Id, incoming.Type, "not a new version or an expiry");
                continue;
            }

            if (!KeyVaultEventData.TryParse(incoming.Data, out var data, out var dataProblem))
            {
                await _webhook.RefuseAsync(context, StatusCodes.Status400BadRequest, dataProblem!);
                return;
            }

            if (!string.Equals(data!.Store, _store, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(data.VaultName, _store.Split('.')[0], StringComparison.OrdinalIgnoreCase))
            {
                MirrorHostLog.EventIgnored(logger, incoming.Id, incoming.Type, "another vault");
                continue;
            }

            // Key Vault never sends such a name; a forged one (../team-b/db) must not become a Vault path. Nothing of it is echoed.
            if (!KeyVaultSecretName.IsValid(data.ObjectName))
            {
                await _webhook.RefuseAsync(context, StatusCodes.Status400BadRequest, "ObjectName is not a Key Vault secret name");
                return;
            }

            notices.Add((incoming, data));
        }

        var failed = false;
        foreach (var (incoming, data) in notices)
        {
            var version = incoming.Type == KeyVaultEventTypes.SecretNewVersionCreated ? data.Version : null;
            var outcome = await reconciler.ReconcileSecretAsync(data.ObjectName, version, context.RequestAborted);
            MirrorHostLog.EventHandled(logger, incoming.Type, data.ObjectName, data.Version, outcome);
            failed |= outcome is MirrorOutcome.Failed or MirrorOutcome.Conflict;
        }

        if (failed)
        {
            await EventGridWebhook.RetryLaterAsync(context, "mirroring failed; retry later");
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }
}
