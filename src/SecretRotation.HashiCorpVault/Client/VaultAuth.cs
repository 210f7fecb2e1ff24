using System.Text.Json;

namespace SecretRotation.HashiCorpVault.Client;

/// <summary>The <c>auth</c> block of a login or token renewal.</summary>
internal sealed class VaultAuth
{
    public required string ClientToken { get; init; }

    public string? Accessor { get; init; }

    /// <summary>Seconds the token lives from now, at most <see cref="VaultDuration.MaxSeconds"/>; 0 for a token that never expires (root).</summary>
    public long LeaseDuration { get; init; }

    public bool Renewable { get; init; }

    public IReadOnlyList<string> Policies { get; init; } = [];

    /// <summary>The token itself is never part of ToString.</summary>
    public override string ToString() => $"VaultAuth {{ Accessor = {Accessor}, LeaseDuration = {LeaseDuration}, Renewable = {Renewable} }}";

    public static VaultAuth Parse(JsonElement auth) => new()
    {
        ClientToken = auth.TryGetProperty("client_token", out var token) && token.ValueKind == JsonValueKind.String
            ? token.GetString()!
            : throw new VaultProtocolException("The auth block has no client_token."),
        Accessor = auth.TryGetProperty("accessor", out var accessor) && accessor.ValueKind == JsonValueKind.String ? accessor.GetString() : null,
        LeaseDuration = VaultDuration.ReadSeconds(auth, "lease_duration"),
        Renewable = auth.TryGetProperty("renewable", out var renewable) && renewable.ValueKind == JsonValueKind.True,
        Policies = auth.TryGetProperty("policies", out var policies) && policies.ValueKind == JsonValueKind.Array
            ? policies.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()!).ToArray()
            : [],
    };
}
