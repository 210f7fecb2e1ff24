using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SecretRotation.AspNetCore.Events;
using SecretRotation.AspNetCore.Http;

namespace SecretRotation;

/// <summary>
/// The HTTP side of an Event Grid webhook for Key Vault's secret events, with what to do about them left to you: the shared-key
/// check (constant time, several keys for rotation), the CloudEvents OPTIONS handshake (only a host name is echoed as the allowed
/// origin), the bounded body, envelope parsing (Event Grid schema or CloudEvents 1.0, as <see cref="KeyVaultSecretEvents"/>
/// parses) and the Event Grid subscription validation handshake. Nothing from the request is echoed back but a validation code
/// and a host-name origin. <c>MapSecretRotationEvents</c> and the Vault Mirror's <c>/events</c> are built on it.
/// </summary>
/// <remarks>
/// Answers: 401 without a valid key; 413 over <see cref="SecretRotationEventsOptions.MaxBodySize"/>; 400 for a malformed delivery
/// (nothing of it reaches your handler); 200 when your handler returns <see langword="true"/> or the delivery holds no notice;
/// 503 with <c>Retry-After</c> when it returns <see langword="false"/>, so Event Grid delivers again later; 405 for other methods.
/// An exception from your handler is not caught (ASP.NET Core answers 500, which Event Grid retries too).
/// Of <see cref="SecretRotationEventsOptions"/>, the webhook uses the key settings, <see cref="SecretRotationEventsOptions.AllowAnonymous"/>
/// and <see cref="SecretRotationEventsOptions.MaxBodySize"/>; the refresh settings are <c>MapSecretRotationEvents</c>'s.
/// </remarks>
/// <example>
/// Forward Key Vault's events to a queue of your own instead of refreshing here:
/// <code>
/// var webhook = new EventGridWebhook(new SecretRotationEventsOptions { AccessKeys = { builder.Configuration["EventKey"]! } });
/// app.MapMethods("/kv-events", ["POST", "OPTIONS"], (HttpContext context) => webhook.HandleAsync(context, async (notices, cancellationToken) =>
/// {
///     foreach (var notice in notices)
///     {
///         await queue.SendAsync(notice, cancellationToken);
///     }
///
///     return true; // false answers 503: Event Grid retries
/// }));
/// </code>
/// </example>
public sealed class EventGridWebhook
{
    private readonly SharedKeyValidator _keys;
    private readonly long _maxBodySize;
    private readonly ILogger _logger;

    /// <summary>Creates a webhook with the given keys and body limit.</summary>
    /// <param name="options">The accepted keys and the body limit.</param>
    /// <param name="logger">For refusals and handshakes (names and reasons, never keys or bodies); none by default.</param>
    /// <exception cref="ArgumentException">No access key is configured and anonymous callers are not allowed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="SecretRotationEventsOptions.MaxBodySize"/> is not positive.</exception>
    public EventGridWebhook(SecretRotationEventsOptions options, ILogger? logger = null)
        : this(new SharedKeyValidator(Validate(options)), options.MaxBodySize, logger ?? NullLogger.Instance)
    {
    }

    internal EventGridWebhook(SharedKeyValidator keys, long maxBodySize, ILogger logger)
    {
        _keys = keys;
        _maxBodySize = maxBodySize;
        _logger = logger;
    }

    /// <summary>
    /// Answers one request: the OPTIONS handshake, or a POST whose Key Vault secret events become notices (as
    /// <see cref="KeyVaultSecretEvents.TryParseSecretChangeNotices"/> makes them) for <paramref name="handler"/>.
    /// </summary>
    /// <param name="context">The request; map both POST and OPTIONS to this.</param>
    /// <param name="handler">
    /// Acts on the notices of a delivery (never empty; without duplicates) with the request's cancellation token: return
    /// <see langword="true"/> when they are handled, <see langword="false"/> to have the sender deliver again later.
    /// </param>
    public async Task HandleAsync(HttpContext context, Func<IReadOnlyList<SecretChangeNotice>, CancellationToken, Task<bool>> handler)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(handler);
        if (HttpMethods.IsOptions(context.Request.Method))
        {
            await HandleOptionsAsync(context);
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST, OPTIONS";
            return;
        }

        if (await ReadEventsAsync(context) is not { } events)
        {
            return;
        }

        if (!KeyVaultSecretEvents.TryCreateNotices(events, out var notices, out var problem))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, problem!);
            return;
        }

        if (notices.Count > 0 && !await handler(notices, context.RequestAborted))
        {
            await RetryLaterAsync(context, "handling the events failed; retry later");
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static SecretRotationEventsOptions Validate(SecretRotationEventsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AccessKeys.All(string.IsNullOrEmpty) && !options.AllowAnonymous)
        {
            throw new ArgumentException("EventGridWebhook needs at least one access key (options.AccessKeys), or AllowAnonymous = true when the endpoint is protected otherwise.", nameof(options));
        }

        if (options.MaxBodySize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxBodySize, "MaxBodySize must be positive.");
        }

        return options;
    }

    internal Task HandleOptionsAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_keys.IsAuthorized(context.Request))
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
        EventsLog.Validated(_logger);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Authenticates and reads a POST. Returns the events to act on, or <see langword="null"/> when the response has been
    /// written already (refused, or the validation handshake answered).
    /// </summary>
    internal async Task<IReadOnlyList<IncomingEvent>?> ReadEventsAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!_keys.IsAuthorized(request))
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "missing or wrong key");
            return null;
        }

        var body = request.ContentLength > _maxBodySize ? null : await ReadBodyAsync(context);
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

    internal Task RefuseAsync(HttpContext context, int status, string reason)
    {
        ArgumentNullException.ThrowIfNull(context);
        EventsLog.Refused(_logger, reason);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(reason, context.RequestAborted);
    }

    /// <summary>503 with a Retry-After, so Event Grid delivers again later.</summary>
    internal static Task RetryLaterAsync(HttpContext context, string reason)
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

        EventsLog.Validated(_logger);
        context.Response.StatusCode = StatusCodes.Status200OK;
        await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["validationResponse"] = code }, context.RequestAborted);
    }

    /// <summary>Reads at most the size limit; null if there is more.</summary>
    private async Task<BinaryData?> ReadBodyAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = _maxBodySize + 1;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > _maxBodySize)
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
