using Microsoft.AspNetCore.Http;
using SecretRotation.AspNetCore.Events;

namespace SecretRotation.AspNetCore.Http;

/// <summary>The push endpoint: the shared webhook handling, then the dispatcher's targeted refreshes.</summary>
internal sealed class SecretRotationEventsEndpoint(EventGridWebhook webhook, SecretRotationEventDispatcher dispatcher)
{
    public async Task HandleOptionsAsync(HttpContext context)
    {
        await webhook.HandleOptionsAsync(context);
        if (context.Response.StatusCode == StatusCodes.Status200OK)
        {
            // The CloudEvents abuse-protection handshake was answered: push is set up.
            dispatcher.ReportPushHealth(healthy: true);
        }
    }

    public async Task HandlePostAsync(HttpContext context)
    {
        if (await webhook.ReadEventsAsync(context) is not { } events)
        {
            if (context.Response.StatusCode == StatusCodes.Status200OK)
            {
                // The Event Grid subscription-validation handshake was answered: push is set up.
                dispatcher.ReportPushHealth(healthy: true);
            }

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
