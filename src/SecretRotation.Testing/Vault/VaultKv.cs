using System.Buffers;
using System.Text.Json;

namespace SecretRotation.Testing;

/// <summary>
/// The KV engines' state changes, shared by the HTTP endpoints and the emulator's direct methods (vault-plugin-secrets-kv
/// <c>path_data.go</c>, <c>path_delete.go</c>, <c>path_destroy.go</c>; Vault <c>passthrough.go</c> for v1). The caller holds the state lock.
/// </summary>
internal static class VaultKv
{
    /// <summary>Adds a version (check-and-set when <paramref name="cas"/> is set) and returns the new version number and version.</summary>
    /// <exception cref="VaultErrorException">400 when the check-and-set parameter does not match or is required.</exception>
    public static (int Number, VaultKvV2Version Version, VaultKvV2Key Key) WriteV2(VaultMount mount, string key, JsonElement data, long? cas, DateTimeOffset now)
    {
        var metadata = mount.KvV2.GetValueOrDefault(key) ?? new VaultKvV2Key();
        if (cas is long expected)
        {
            if (expected != metadata.CurrentVersion)
            {
                throw VaultErrorException.BadRequest("check-and-set parameter did not match the current version");
            }
        }
        else if (metadata.CasRequired)
        {
            throw VaultErrorException.BadRequest("check-and-set parameter required for this call");
        }

        var version = metadata.AddVersion(data, now);
        mount.KvV2[key] = metadata;
        return (metadata.CurrentVersion, version, metadata);
    }

    /// <summary>Soft-deletes versions that exist and are neither destroyed nor already deleted.</summary>
    public static void SoftDelete(VaultKvV2Key key, IEnumerable<int> versions, DateTimeOffset now)
    {
        foreach (var number in versions)
        {
            if (key.Versions.TryGetValue(number, out var version) && !version.Destroyed && !version.IsDeleted(now))
            {
                version.DeletionTime = now;
            }
        }
    }

    /// <summary>Undeletes versions that exist and are not destroyed (a <c>delete_version_after</c> schedules a new deletion).</summary>
    public static void Undelete(VaultKvV2Key key, IEnumerable<int> versions, DateTimeOffset now)
    {
        foreach (var number in versions)
        {
            if (key.Versions.TryGetValue(number, out var version) && !version.Destroyed)
            {
                version.DeletionTime = key.DeleteVersionAfter > TimeSpan.Zero ? now + key.DeleteVersionAfter : null;
            }
        }
    }

    /// <summary>Destroys versions: their data is dropped for good, their metadata says <c>destroyed: true</c>.</summary>
    public static void Destroy(VaultKvV2Key key, IEnumerable<int> versions)
    {
        foreach (var number in versions)
        {
            if (key.Versions.TryGetValue(number, out var version) && !version.Destroyed)
            {
                version.Destroyed = true;
                version.Data = null;
            }
        }
    }

    /// <summary>A storage list: the immediate children of <paramref name="prefix"/>, folders with a trailing <c>/</c>, sorted.</summary>
    public static List<string> ListChildren(IEnumerable<string> keys, string prefix)
    {
        var children = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (key.Length <= prefix.Length || !key.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = key[prefix.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            children.Add(slash < 0 ? rest : rest[..(slash + 1)]);
        }

        return [.. children];
    }

    /// <summary>
    /// The <c>lease_duration</c> of a KV v1 read: the data's <c>ttl</c> (else <c>lease</c>) key parsed as <c>ParseDurationSecond</c>
    /// does, else (or when it does not parse) the mount default of 768h.
    /// </summary>
    public static TimeSpan V1LeaseTtl(JsonElement data)
    {
        if (data.TryGetProperty("ttl", out var ttl) || data.TryGetProperty("lease", out ttl))
        {
            return VaultGoFormat.TryParseDurationSecond(ttl, out var parsed) ? parsed : VaultTtl.SystemDefault;
        }

        return VaultTtl.SystemDefault;
    }

    /// <summary>RFC 7386 JSON merge patch, as <c>framework.HandlePatchOperation</c> applies it to a KV v2 secret.</summary>
    public static JsonElement MergePatch(JsonElement target, JsonElement patch)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteMerged(writer, target, patch);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void WriteMerged(Utf8JsonWriter writer, JsonElement target, JsonElement patch)
    {
        if (patch.ValueKind != JsonValueKind.Object)
        {
            patch.WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        if (target.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in target.EnumerateObject())
            {
                if (patch.TryGetProperty(property.Name, out var replacement))
                {
                    if (replacement.ValueKind != JsonValueKind.Null)
                    {
                        writer.WritePropertyName(property.Name);
                        WriteMerged(writer, property.Value, replacement);
                    }
                }
                else
                {
                    property.WriteTo(writer);
                }
            }
        }

        foreach (var property in patch.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Null
                && (target.ValueKind != JsonValueKind.Object || !target.TryGetProperty(property.Name, out _)))
            {
                writer.WritePropertyName(property.Name);
                WriteMerged(writer, default, property.Value);
            }
        }

        writer.WriteEndObject();
    }
}
