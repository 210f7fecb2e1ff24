using System.Text;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;

namespace SecretRotation.AspNetCore.Tests;

/// <summary>Service Bus messages as Event Grid delivers them to a topic: one event per message, its JSON as the body.</summary>
internal static class BusMessages
{
    public const string NewVersion = "Microsoft.KeyVault.SecretNewVersionCreated";

    public static ServiceBusReceivedMessage Of(JsonNode body, string? contentType = null, int deliveryCount = 1) =>
        Of(body.ToJsonString(), contentType, deliveryCount);

    public static ServiceBusReceivedMessage Of(string body, string? contentType = null, int deliveryCount = 1) =>
        Of(Encoding.UTF8.GetBytes(body), contentType, deliveryCount);

    public static ServiceBusReceivedMessage Of(byte[] body, string? contentType = null, int deliveryCount = 1) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: new BinaryData(body),
            messageId: Guid.NewGuid().ToString("N"),
            contentType: contentType,
            deliveryCount: deliveryCount);

    public static ServiceBusReceivedMessage EventGrid(string vaultHost, string secretName, string version, string type = NewVersion, string? id = null) =>
        Of(WireEvents.EventGridEvent(type, WireEvents.KeyVaultData(vaultHost, secretName, version), id));

    public static ServiceBusReceivedMessage CloudEvent(string vaultHost, string secretName, string version, string? contentType = "application/cloudevents+json; charset=utf-8", string? id = null) =>
        Of(WireEvents.CloudEvent(NewVersion, WireEvents.KeyVaultData(vaultHost, secretName, version), id), contentType);
}
