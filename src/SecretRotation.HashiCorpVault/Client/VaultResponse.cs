using System.Text.Json;

namespace SecretRotation.HashiCorpVault.Client;

/// <summary>The envelope every Vault response shares (the fields this client uses).</summary>
internal sealed class VaultResponse
{
    public string LeaseId { get; init; } = string.Empty;

    public bool Renewable { get; init; }

    /// <summary>Seconds, at most <see cref="VaultDuration.MaxSeconds"/>; for KV v1 the data's <c>ttl</c>, for dynamic secrets the lease's duration.</summary>
    public long LeaseDuration { get; init; }

    /// <summary>The <c>data</c> object, or <see langword="null"/>.</summary>
    public JsonElement? Data { get; init; }

    public VaultAuth? Auth { get; init; }

    public IReadOnlyList<string> Warnings { get; init; } = [];

    public static VaultResponse Parse(JsonElement root)
    {
        return new VaultResponse
        {
            LeaseId = root.TryGetProperty("lease_id", out var leaseId) && leaseId.ValueKind == JsonValueKind.String ? leaseId.GetString()! : string.Empty,
            Renewable = root.TryGetProperty("renewable", out var renewable) && renewable.ValueKind == JsonValueKind.True,
            LeaseDuration = VaultDuration.ReadSeconds(root, "lease_duration"),
            Data = root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object ? data.Clone() : null,
            Auth = root.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.Object ? VaultAuth.Parse(auth) : null,
            Warnings = root.TryGetProperty("warnings", out var warnings) && warnings.ValueKind == JsonValueKind.Array
                ? warnings.EnumerateArray().Where(w => w.ValueKind == JsonValueKind.String).Select(w => w.GetString()!).ToArray()
                : [],
        };
    }
}
