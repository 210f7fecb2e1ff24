using Microsoft.AspNetCore.Http;
using SecretRotation.AspNetCore.Events;

namespace SecretRotation.AspNetCore.Http;

/// <summary>The push endpoint: the shared webhook handling, then the dispatcher's targeted refreshes.</summary>
internal sealed class SecretRotationEventsEndpoint(EventGridWebhook webhook, SecretRotationEventDispatcher dispatcher)
{
    public Task HandleOptionsAsync(HttpContext context) => webhook.HandleOptionsAsync(context);

    public async Task HandlePostAsync(HttpContext context)
    {
        if (await webhook.ReadEventsAsync(context) is not { } events)
        {
            return;
        }

        var result = await dispatcher.DispatchAsync(events, context.RequestAborted);
        switch (result.Status)
        {
            case DispatchStatus.Invalid:
                await webhook.RefuseAsync(context, StatusCodes.Status400BadRequest, result.Reason!);
                break;
            case DispatchStatus.Failed:
                await EventGridWebhook.RetryLaterAsync(context, result.Reason ?? "refresh failed");
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status200OK;
                break;
        }
    }
}
