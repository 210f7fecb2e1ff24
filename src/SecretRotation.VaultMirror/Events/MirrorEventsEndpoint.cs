using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using SecretRotation.AspNetCore.Events;
using SecretRotation.AspNetCore.Http;
using SecretRotation.VaultMirror.Configuration;
using SecretRotation.VaultMirror.Mirroring;

namespace SecretRotation.VaultMirror.Events;

/// <summary>
/// <c>/events</c>: Event Grid deliveries of Key Vault secret events (Event Grid schema or CloudEvents), with the same shared-key
/// check, envelope parsing and handshakes as <c>MapSecretRotationEvents</c>. Each new version is mirrored before answering; a
/// failure answers 503 so Event Grid retries. Duplicate and stale events are no-ops (versions are compared in Vault's
/// <c>custom_metadata</c> and with Key Vault's latest version).
/// </summary>
internal sealed class MirrorEventsEndpoint(MirrorOptions options, SharedKeyValidator keys, MirrorReconciler reconciler, ILogger<MirrorEventsEndpoint> logger)
{
    private const long MaxBodySize = 1024 * 1024;

    private readonly string _store = options.KeyVaultUri is { } uri ? (uri.IsDefaultPort ? uri.Host : uri.Authority) : string.Empty;

    public Task HandleOptionsAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (options.EventKeys.Count == 0)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        if (!keys.IsAuthorized(context.Request))
        {
            return Refuse(context, StatusCodes.Status401Unauthorized, "missing or wrong key");
        }

        var origin = context.Request.Headers["WebHook-Request-Origin"].ToString();
        context.Response.Headers.Allow = "POST, OPTIONS";
        if (string.IsNullOrEmpty(origin))
        {
            return Refuse(context, StatusCodes.Status400BadRequest, "OPTIONS without WebHook-Request-Origin");
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.Headers["WebHook-Allowed-Origin"] = origin.Length <= 256 ? origin : "*";
        context.Response.Headers["WebHook-Allowed-Rate"] = "*";
        return Task.CompletedTask;
    }

    public async Task HandlePostAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (options.EventKeys.Count == 0)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var request = context.Request;
        if (!keys.IsAuthorized(request))
        {
            await Refuse(context, StatusCodes.Status401Unauthorized, "missing or wrong key");
            return;
        }

        var body = request.ContentLength > MaxBodySize ? null : await ReadBodyAsync(context);
        if (body is null)
        {
            await Refuse(context, StatusCodes.Status413PayloadTooLarge, "body too large");
            return;
        }

        if (!EventEnvelopeParser.TryParse(request.ContentType, body, out var events, out var problem))
        {
            await Refuse(context, StatusCodes.Status400BadRequest, problem!);
            return;
        }

        if (events.FirstOrDefault(e => e.Type == KeyVaultEventTypes.SubscriptionValidation) is { } validation)
        {
            await AnswerValidationAsync(context, validation);
            return;
        }

        var notices = new List<(IncomingEvent Event, KeyVaultEventData Data)>();
        foreach (var incoming in events)
        {
            if (incoming.Type is not (KeyVaultEventTypes.SecretNewVersionCreated or KeyVaultEventTypes.SecretExpired))
            {
                MirrorLog.EventIgnored(logger, incoming.Id, incoming.Type, "not a new version or an expiry");
                continue;
            }

            if (!KeyVaultEventData.TryParse(incoming.Data, out var data, out var dataProblem))
            {
                await Refuse(context, StatusCodes.Status400BadRequest, dataProblem!);
                return;
            }

            if (!string.Equals(data!.Store, _store, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(data.VaultName, _store.Split('.')[0], StringComparison.OrdinalIgnoreCase))
            {
                MirrorLog.EventIgnored(logger, incoming.Id, incoming.Type, "another vault");
                continue;
            }

            notices.Add((incoming, data));
        }

        var failed = false;
        foreach (var (incoming, data) in notices)
        {
            var version = incoming.Type == KeyVaultEventTypes.SecretNewVersionCreated ? data.Version : null;
            var outcome = await reconciler.ReconcileSecretAsync(data.ObjectName, version, context.RequestAborted);
            MirrorLog.EventHandled(logger, incoming.Type, data.ObjectName, data.Version, outcome);
            failed |= outcome is MirrorOutcome.Failed or MirrorOutcome.Conflict;
        }

        if (failed)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "30";
            await context.Response.WriteAsync("mirroring failed; retry later", context.RequestAborted);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private async Task AnswerValidationAsync(HttpContext context, IncomingEvent validation)
    {
        string? code = null;
        try
        {
            using var data = JsonDocument.Parse(validation.Data?.ToMemory() ?? ReadOnlyMemory<byte>.Empty);
            if (data.RootElement.ValueKind == JsonValueKind.Object
                && data.RootElement.TryGetProperty("validationCode", out var value) && value.ValueKind == JsonValueKind.String)
            {
                code = value.GetString();
            }
        }
        catch (JsonException)
        {
            code = null;
        }

        if (string.IsNullOrEmpty(code) || code.Length > 256)
        {
            await Refuse(context, StatusCodes.Status400BadRequest, "validation event without a validation code");
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["validationResponse"] = code }, context.RequestAborted);
    }

    private static async Task<BinaryData?> ReadBodyAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodySize + 1;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > MaxBodySize)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }

        return new BinaryData(buffer.ToArray());
    }

    private Task Refuse(HttpContext context, int status, string reason)
    {
        MirrorLog.EventRefused(logger, reason);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(reason, context.RequestAborted);
    }
}
