using Microsoft.Extensions.Logging;

namespace SecretRotation.AspNetCore.ServiceBus;

/// <summary>Log messages of the Service Bus receiver: topic, subscription and message ids, never bodies, values or connection strings.</summary>
internal static partial class ServiceBusLog
{
    [LoggerMessage(320, LogLevel.Information, "Receiving Key Vault events from Service Bus topic {Topic}, subscription {Subscription}.")]
    public static partial void Started(ILogger logger, string topic, string subscription);

    [LoggerMessage(321, LogLevel.Information, "Created Service Bus subscription {Subscription} on topic {Topic}; Service Bus deletes it after {AutoDeleteOnIdle} without a receiver.")]
    public static partial void SubscriptionCreated(ILogger logger, string subscription, string topic, TimeSpan autoDeleteOnIdle);

    [LoggerMessage(322, LogLevel.Debug, "Service Bus subscription {Subscription} on topic {Topic} already exists.")]
    public static partial void SubscriptionExists(ILogger logger, string subscription, string topic);

    [LoggerMessage(323, LogLevel.Error, "Service Bus refused to create subscription {Subscription} on topic {Topic} (401/403). Creating subscriptions needs the Manage right on the topic (a 403 can also mean the topic reached its subscription quota): give the receiver's identity the 'Azure Service Bus Data Owner' role on the topic (or use a connection string whose policy has Manage), or create the subscription yourself and set SubscriptionName (replicas that share one subscription split its events between them). Until then this replica hears no Key Vault events (polling still runs); trying again in {RetryDelay}.")]
    public static partial void SubscriptionForbidden(ILogger logger, Exception exception, string subscription, string topic, TimeSpan retryDelay);

    [LoggerMessage(324, LogLevel.Warning, "Could not create Service Bus subscription {Subscription} on topic {Topic}; trying again in {RetryDelay}.")]
    public static partial void SubscriptionSetupFailed(ILogger logger, Exception exception, string subscription, string topic, TimeSpan retryDelay);

    [LoggerMessage(325, LogLevel.Warning, "Dead-lettered Service Bus message {MessageId}: {Reason}.")]
    public static partial void DeadLettered(ILogger logger, string? messageId, string reason);

    [LoggerMessage(326, LogLevel.Warning, "Abandoning Service Bus message {MessageId} (delivery {DeliveryCount}) after {RetryDelay} so it is delivered again: {Reason}.")]
    public static partial void Abandoned(ILogger logger, string? messageId, int deliveryCount, TimeSpan retryDelay, string reason);

    [LoggerMessage(327, LogLevel.Warning, "The Service Bus processor reported an error ({ErrorSource}) on {EntityPath}.")]
    public static partial void ProcessorError(ILogger logger, Exception exception, string errorSource, string entityPath);

    [LoggerMessage(328, LogLevel.Warning, "Could not settle Service Bus message {MessageId} ({Settlement}); it is delivered again when its lock expires.")]
    public static partial void SettleFailed(ILogger logger, Exception exception, string? messageId, MessageSettlement settlement);

    [LoggerMessage(329, LogLevel.Information, "Stopped receiving from Service Bus topic {Topic}, subscription {Subscription}.")]
    public static partial void Stopped(ILogger logger, string topic, string subscription);

    [LoggerMessage(330, LogLevel.Error, "Handling Service Bus message {MessageId} threw; abandoning it.")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string? messageId);

    [LoggerMessage(331, LogLevel.Warning, "Service Bus subscription {Subscription} on topic {Topic} does not exist (deleted after being idle?); creating it again.")]
    public static partial void SubscriptionMissing(ILogger logger, string subscription, string topic);

    [LoggerMessage(332, LogLevel.Debug, "Completed Service Bus message {MessageId}; {Refreshed} secret(s) refreshed.")]
    public static partial void Completed(ILogger logger, string? messageId, int refreshed);

    [LoggerMessage(333, LogLevel.Warning, "Service Bus subscription {Subscription} on topic {Topic} does not exist, and the receiver is not to create it (CreateSubscription = false).")]
    public static partial void SubscriptionNotFound(ILogger logger, string subscription, string topic);
}
