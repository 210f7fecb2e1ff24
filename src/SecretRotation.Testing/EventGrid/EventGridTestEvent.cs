using System.Text.Json.Nodes;

namespace SecretRotation.Testing;

/// <summary>
/// One event for an <see cref="EventGridDeliverer"/> to deliver, independent of the output schema: the deliverer writes it as an Event Grid
/// event or as a CloudEvent. <see cref="KeyVaultEvents"/> builds the Key Vault ones.
/// </summary>
/// <remarks><see cref="Data"/> is written as it is, so a test can send any shape, including malformed ones, exactly.</remarks>
public sealed record EventGridTestEvent
{
    /// <summary>The event id (<c>id</c> in both schemas); receivers deduplicate on it.</summary>
    /// <value>Default a new GUID in the <c>D</c> format.</value>
    public string Id { get; init; } = Guid.NewGuid().ToString("D");

    /// <summary>The event type: <c>eventType</c> in the Event Grid schema, <c>type</c> in CloudEvents; for example <c>Microsoft.KeyVault.SecretNewVersionCreated</c>.</summary>
    public required string EventType { get; init; }

    /// <summary>The resource that raised the event: <c>topic</c> in the Event Grid schema, <c>source</c> in CloudEvents.</summary>
    public required string Topic { get; init; }

    /// <summary>The <c>subject</c>; for Key Vault events the object (secret) name.</summary>
    /// <value>Default an empty string.</value>
    public string Subject { get; init; } = "";

    /// <summary>When the event happened: <c>eventTime</c> or <c>time</c>, written in UTC with seven fractional digits.</summary>
    /// <value>Default the time the record was created (<see cref="TimeProvider.System"/>).</value>
    public DateTimeOffset Time { get; init; } = TimeProvider.System.GetUtcNow();

    /// <summary>The <c>data</c> payload, written exactly as it is; <see langword="null"/> writes <c>"data":null</c>.</summary>
    /// <value>Default <see langword="null"/>. The node is shared, not copied, by <c>with</c> expressions.</value>
    public JsonNode? Data { get; init; }

    /// <summary>The <c>dataVersion</c> (Event Grid schema only; also sent as the <c>aeg-data-version</c> header).</summary>
    /// <value>Default <c>1</c>, as Key Vault events carry.</value>
    public string DataVersion { get; init; } = "1";
}
