using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using SecretRotation.AspNetCore.Events;

namespace SecretRotation.AspNetCore.Http;

/// <summary>
/// The HTTP side every Event Grid endpoint shares (the push endpoint, the Vault Mirror): the shared-key check, the CloudEvents
/// OPTIONS handshake, the bounded body, envelope parsing and the Event Grid validation handshake. What to do with the events
/// is the caller's. Nothing from the request is echoed back but a validation code and a host-name origin.
/// </summary>
internal sealed class EventGridWebhook(SharedKeyValidator keys, long maxBodySize, ILogger logger)
{
    public Task HandleOptionsAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!keys.IsAuthorized(context.Request))
        {
            return RefuseAsync(context, StatusCodes.Status401Unauthorized, "missing or wrong key");
        }

        var origin = context.Request.Headers["WebHook-Request-Origin"].ToString();
        context.Response.Headers.Allow = "POST, OPTIONS";
        if (string.IsNullOrEmpty(origin))
        {
            return RefuseAsync(context, StatusCodes.Status400BadRequest, "OPTIONS without WebHook-Request-Origin");
        }

        // The origin is echoed in a response header: anything but a host name (a control character, a list, a URL) is refused.
        if (!WebHookOrigin.IsPlausibleHost(origin))
        {
            return RefuseAsync(context, StatusCodes.Status400BadRequest, "WebHook-Request-Origin is not a host name");
        }

        // CloudEvents abuse protection: consent to this origin, at any rate.
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.Headers["WebHook-Allowed-Origin"] = origin;
        context.Response.Headers["WebHook-Allowed-Rate"] = "*";
        EventsLog.Validated(logger);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Authenticates and reads a POST. Returns the events to act on, or <see langword="null"/> when the response has been
    /// written already (refused, or the validation handshake answered).
    /// </summary>
    public async Task<IReadOnlyList<IncomingEvent>?> ReadEventsAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!keys.IsAuthorized(request))
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "missing or wrong key");
            return null;
        }

        var body = request.ContentLength > maxBodySize ? null : await ReadBodyAsync(context);
        if (body is null)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, "body too large");
            return null;
        }

        if (!EventEnvelopeParser.TryParse(request.ContentType, body, out var events, out var problem))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, problem!);
            return null;
        }

        if (events.FirstOrDefault(e => e.Type == KeyVaultEventTypes.SubscriptionValidation) is { } validation)
        {
            await AnswerValidationAsync(context, validation);
            return null;
        }

        return events;
    }

    public Task RefuseAsync(HttpContext context, int status, string reason)
    {
        ArgumentNullException.ThrowIfNull(context);
        EventsLog.Refused(logger, reason);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(reason, context.RequestAborted);
    }

    /// <summary>503 with a Retry-After, so Event Grid delivers again later.</summary>
    public static Task RetryLaterAsync(HttpContext context, string reason)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "30";
        return context.Response.WriteAsync(reason, context.RequestAborted);
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
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "validation event without a validation code");
            return;
        }

        EventsLog.Validated(logger);
        context.Response.StatusCode = StatusCodes.Status200OK;
        await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["validationResponse"] = code }, context.RequestAborted);
    }

    /// <summary>Reads at most the size limit; null if there is more.</summary>
    private async Task<BinaryData?> ReadBodyAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBodySize + 1;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > maxBodySize)
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
}
