using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using SecretRotation.AspNetCore.Events;

namespace SecretRotation.AspNetCore.Http;

/// <summary>
/// The push endpoint: authenticates, bounds the body, answers Event Grid's validation handshake and the CloudEvents
/// OPTIONS handshake, and hands Key Vault events to the dispatcher. Nothing from the request is echoed back.
/// </summary>
internal sealed class SecretRotationEventsEndpoint(SecretRotationEventsOptions options, SharedKeyValidator keys, SecretRotationEventDispatcher dispatcher, ILogger logger)
{
    public Task HandleOptionsAsync(HttpContext context)
    {
        if (!keys.IsAuthorized(context.Request))
        {
            return Refuse(context, StatusCodes.Status401Unauthorized, "missing or wrong key");
        }

        var origin = context.Request.Headers["WebHook-Request-Origin"].ToString();
        if (string.IsNullOrEmpty(origin))
        {
            context.Response.Headers.Allow = "POST, OPTIONS";
            return Refuse(context, StatusCodes.Status400BadRequest, "OPTIONS without WebHook-Request-Origin");
        }

        // CloudEvents abuse protection: consent to this origin, at any rate.
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.Headers["WebHook-Allowed-Origin"] = origin.Length <= 256 ? origin : "*";
        context.Response.Headers["WebHook-Allowed-Rate"] = "*";
        context.Response.Headers.Allow = "POST, OPTIONS";
        EventsLog.Validated(logger);
        return Task.CompletedTask;
    }

    public async Task HandlePostAsync(HttpContext context)
    {
        var request = context.Request;
        if (!keys.IsAuthorized(request))
        {
            await Refuse(context, StatusCodes.Status401Unauthorized, "missing or wrong key");
            return;
        }

        if (request.ContentLength > options.MaxBodySize)
        {
            await Refuse(context, StatusCodes.Status413PayloadTooLarge, "body too large");
            return;
        }

        var body = await ReadBodyAsync(context);
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

        var validation = events.FirstOrDefault(e => e.Type == KeyVaultEventTypes.SubscriptionValidation);
        if (validation is not null)
        {
            await AnswerValidationAsync(context, validation);
            return;
        }

        var result = await dispatcher.DispatchAsync(events, context.RequestAborted);
        switch (result.Status)
        {
            case DispatchStatus.Invalid:
                await Refuse(context, StatusCodes.Status400BadRequest, result.Reason!);
                break;
            case DispatchStatus.Failed:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "30";
                await context.Response.WriteAsync(result.Reason ?? "refresh failed", context.RequestAborted);
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status200OK;
                break;
        }
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

        EventsLog.Validated(logger);
        context.Response.StatusCode = StatusCodes.Status200OK;
        await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["validationResponse"] = code }, context.RequestAborted);
    }

    /// <summary>Reads at most <see cref="SecretRotationEventsOptions.MaxBodySize"/> bytes; null if there is more.</summary>
    private async Task<BinaryData?> ReadBodyAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxBodySize + 1;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > options.MaxBodySize)
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
        EventsLog.Refused(logger, reason);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(reason, context.RequestAborted);
    }
}
