using Azure.Core;

namespace SecretRotation;

/// <summary>
/// Settings of the Service Bus receiver that <c>AddSecretRotationServiceBusReceiver</c> registers. Key Vault's events reach it
/// through Event Grid (a system topic on the vault) and a Service Bus topic, with one subscription per replica, so every
/// replica hears every event. Connect with <see cref="FullyQualifiedNamespace"/> and <see cref="Credential"/> (Workload
/// Identity, managed identity) or with <see cref="ConnectionString"/>.
/// </summary>
public sealed class SecretRotationServiceBusOptions
{
    /// <summary>The smallest <see cref="AutoDeleteOnIdle"/> Service Bus accepts: 5 minutes.</summary>
    internal static readonly TimeSpan MinimumAutoDeleteOnIdle = TimeSpan.FromMinutes(5);

    /// <summary>The namespace's host name, e.g. <c>mybus.servicebus.windows.net</c>; used with <see cref="Credential"/>.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>
    /// The identity to connect as, e.g. <c>new DefaultAzureCredential()</c>. It needs the <c>Azure Service Bus Data Receiver</c>
    /// role on the topic, and to create subscriptions (<see cref="CreateSubscription"/>) the <c>Azure Service Bus Data Owner</c>
    /// role (the Manage right) on the topic.
    /// </summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>
    /// A connection string, instead of <see cref="FullyQualifiedNamespace"/> and <see cref="Credential"/>. Its policy needs
    /// Listen, and Manage to create subscriptions. It is never logged.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The Service Bus topic that the Event Grid subscription of the vault's system topic delivers to. Required.</summary>
    public string? TopicName { get; set; }

    /// <summary>
    /// An existing subscription to receive from. Leave it unset for one subscription per replica, named
    /// <c>secret-rotation-</c> and the pod's name (<c>POD_NAME</c>, else <c>HOSTNAME</c>, else the machine name), made legal
    /// for Service Bus (at most 50 letters, digits, <c>.</c>, <c>-</c> and <c>_</c>; shortened with a hash when needed).
    /// Replicas that share one subscription compete for its messages, so only one of them would hear each event.
    /// </summary>
    public string? SubscriptionName { get; set; }

    /// <summary>
    /// Whether to create the subscription (with <see cref="AutoDeleteOnIdle"/>) when it does not exist, with the
    /// <c>ServiceBusAdministrationClient</c>. That needs the Manage right on the topic; without it an error names the topic
    /// and what to configure, and creating is tried again with backoff.
    /// </summary>
    /// <value>Default <see langword="null"/>: create when <see cref="SubscriptionName"/> is not set (the per-replica case).</value>
    public bool? CreateSubscription { get; set; }

    /// <summary>
    /// How long a subscription this receiver created may stay without a receiver before Service Bus deletes it, so the
    /// subscriptions of replicas that are gone clean themselves up. At least 5 minutes (Service Bus's minimum).
    /// </summary>
    /// <value>Default 1 hour.</value>
    public TimeSpan AutoDeleteOnIdle { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many messages are handled at once.</summary>
    /// <value>Default 1: events are few, and a refresh already merges the notices that arrive while it runs.</value>
    public int MaxConcurrentCalls { get; set; } = 1;

    /// <summary>
    /// How long a message waits for the refreshes it asked for before it is abandoned, to be delivered again (the processor
    /// renews the message's lock meanwhile).
    /// </summary>
    /// <value>Default 30 seconds.</value>
    public TimeSpan RefreshTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Up to this long, chosen at random per message, is waited before refreshing. Every replica hears every event at about
    /// the same moment, so N replicas read the vault N times at once; a few seconds (for example 5 s) spread those reads and
    /// keep a large deployment under Key Vault's per-vault throttling limits, at the cost of that much extra delay.
    /// </summary>
    /// <value>Default zero: refresh at once.</value>
    public TimeSpan MaxRandomDelay { get; set; }
}
