using System.Text.Json;

namespace SecretRotation.Testing;

/// <summary>The parts of a Vault response envelope that vary; <c>request_id</c> is made fresh and <c>wrap_info</c> is always <c>null</c>.</summary>
internal sealed record VaultEnvelope
{
    /// <summary><c>lease_id</c>; <c>""</c> when the response carries no lease.</summary>
    public string LeaseId { get; init; } = string.Empty;

    /// <summary><c>renewable</c>.</summary>
    public bool Renewable { get; init; }

    /// <summary><c>lease_duration</c> in whole seconds.</summary>
    public long LeaseDuration { get; init; }

    /// <summary>Writes the <c>data</c> value; <see langword="null"/> writes <c>null</c>.</summary>
    public Action<Utf8JsonWriter>? Data { get; init; }

    /// <summary><c>warnings</c>; <see langword="null"/> writes <c>null</c> (a nil slice).</summary>
    public IReadOnlyList<string>? Warnings { get; init; }

    /// <summary><c>auth</c>; <see langword="null"/> writes <c>null</c>.</summary>
    public VaultAuthBlock? Auth { get; init; }

    /// <summary><c>mount_type</c>: the mount's type (<c>kv</c>, <c>token</c>, <c>system</c>, <c>database</c>) or <c>""</c>.</summary>
    public string MountType { get; init; } = string.Empty;
}
