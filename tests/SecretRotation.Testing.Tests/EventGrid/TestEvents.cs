using System.Text.Json.Nodes;

namespace SecretRotation.Testing.Tests;

/// <summary>Small events for deliverer tests, told apart by id.</summary>
internal static class TestEvents
{
    public static EventGridTestEvent Create(string id) => new()
    {
        Id = id,
        EventType = KeyVaultEvents.SecretNewVersionCreatedType,
        Topic = "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/v",
        Subject = id,
        Data = new JsonObject { ["ObjectName"] = id },
    };
}
