using System.Text.Json.Nodes;

namespace SecretRotation.Testing;

/// <summary>
/// One change in the emulator's event history: its resource version, the event type, the object before (for MODIFIED and DELETED)
/// and after (for DELETED the last state, carrying the deletion's resource version). Both objects are never modified.
/// </summary>
internal sealed record KubernetesChange(long ResourceVersion, string Type, KubernetesObjectKey Key, JsonObject? Previous, JsonObject Object);
