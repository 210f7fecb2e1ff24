using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SecretRotation.Testing;

/// <summary>
/// The KV v1 (<c>passthrough.go</c>) and KV v2 (vault-plugin-secrets-kv) HTTP paths of one mount. The caller holds the state lock.
/// </summary>
internal static class VaultKvEndpoints
{
    private const string MountType = "kv";

    public static VaultResponse HandleV1(VaultCall call, VaultMount mount, string key)
    {
        switch (call.Operation)
        {
            case VaultOperation.Read:
                if (!mount.KvV1.TryGetValue(key, out var stored))
                {
                    return VaultResponse.NotFound();
                }

                return VaultResponse.Ok(new VaultEnvelope
                {
                    LeaseDuration = VaultTtl.Seconds(VaultKv.V1LeaseTtl(stored)),
                    Data = writer => VaultJson.WriteGoValue(writer, stored, numbersAsFloat64: false),
                    MountType = MountType,
                });

            case VaultOperation.Update:
                if (!call.Body.EnumerateObject().Any())
                {
                    throw VaultErrorException.BadRequest("missing data fields");
                }

                mount.KvV1[key] = call.Body.Clone();
                return VaultResponse.NoContent();

            case VaultOperation.Delete:
                mount.KvV1.Remove(key);
                return VaultResponse.NoContent();

            case VaultOperation.List:
                return ListResponse(VaultKv.ListChildren(mount.KvV1.Keys, key));

            default:
                return Unsupported();
        }
    }

    public static VaultResponse HandleV2(VaultCall call, VaultMount mount, string subPath, DateTimeOffset now)
    {
        if (subPath == "config")
        {
            return call.Operation == VaultOperation.Read
                ? VaultResponse.Ok(new VaultEnvelope
                {
                    Data = writer =>
                    {
                        writer.WriteStartObject();
                        writer.WriteBoolean("cas_required", false);
                        writer.WriteString("delete_version_after", "0s");
                        writer.WriteNumber("max_versions", 0);
                        writer.WriteEndObject();
                    },
                    MountType = MountType,
                })
                : Unsupported();
        }

        if (VaultRequestHandler.TryStrip(subPath, "data/", out var key) && key.Length > 0 && !key.EndsWith('/'))
        {
            return Data(call, mount, key, now);
        }

        if (VaultRequestHandler.TryStrip(subPath, "metadata/", out key))
        {
            return Metadata(call, mount, key, now);
        }

        foreach (var action in (ReadOnlySpan<string>)["delete/", "undelete/", "destroy/"])
        {
            if (VaultRequestHandler.TryStrip(subPath, action, out key))
            {
                return Versions(call, mount, key, action, now);
            }
        }

        return InvalidPath(call.Operation);
    }

    private static VaultResponse Data(VaultCall call, VaultMount mount, string key, DateTimeOffset now)
    {
        switch (call.Operation)
        {
            case VaultOperation.Read:
                var requested = 0L;
                if (call.TryGetField("version", out var versionField) && !VaultCall.TryWeakInt(versionField, out requested))
                {
                    throw VaultErrorException.BadRequest($"error converting input {versionField.GetRawText()} for field \"version\"");
                }

                if (!mount.KvV2.TryGetValue(key, out var metadata))
                {
                    return VaultResponse.NotFound();
                }

                var number = requested > 0 ? (int)Math.Min(requested, int.MaxValue) : metadata.CurrentVersion;
                if (!metadata.Versions.TryGetValue(number, out var version))
                {
                    return VaultResponse.NotFound();
                }

                var gone = version.IsDeleted(now) || version.Destroyed;
                var envelope = new VaultEnvelope
                {
                    Data = writer =>
                    {
                        writer.WriteStartObject();
                        writer.WritePropertyName("data");
                        if (gone || version.Data is not JsonElement data)
                        {
                            writer.WriteNullValue();
                        }
                        else
                        {
                            VaultJson.WriteGoValue(writer, data, numbersAsFloat64: true);
                        }

                        writer.WritePropertyName("metadata");
                        WriteVersionMetadata(writer, metadata, number, version);
                        writer.WriteEndObject();
                    },
                    MountType = gone ? string.Empty : MountType,
                };

                // A deleted or destroyed version answers 404 with its metadata (logical.RespondWithStatusCode).
                return gone ? VaultResponse.WithStatus(StatusCodes.Status404NotFound, envelope) : VaultResponse.Ok(envelope);

            case VaultOperation.Update:
                var written = VaultKv.WriteV2(mount, key, ReadData(call), ReadCas(call), now);
                return WriteResponse(written.Key, written.Number, written.Version);

            case VaultOperation.Patch:
                return Patch(call, mount, key, now);

            case VaultOperation.Delete:
                if (mount.KvV2.TryGetValue(key, out var latest))
                {
                    VaultKv.SoftDelete(latest, [latest.CurrentVersion], now);
                }

                return VaultResponse.NoContent();

            default:
                return Unsupported();
        }
    }

    private static VaultResponse Patch(VaultCall call, VaultMount mount, string key, DateTimeOffset now)
    {
        var patch = ReadData(call);
        if (!mount.KvV2.TryGetValue(key, out var metadata))
        {
            return VaultResponse.Empty(StatusCodes.Status404NotFound);
        }

        var cas = ReadCas(call);
        if (cas is long expected && expected != metadata.CurrentVersion)
        {
            throw VaultErrorException.BadRequest("check-and-set parameter did not match the current version");
        }

        if (cas is null && metadata.CasRequired)
        {
            throw VaultErrorException.BadRequest("check-and-set parameter required for this call");
        }

        if (!metadata.Versions.TryGetValue(metadata.CurrentVersion, out var current))
        {
            return VaultResponse.Empty(StatusCodes.Status404NotFound);
        }

        if (current.IsDeleted(now) || current.Destroyed)
        {
            return VaultResponse.WithStatus(StatusCodes.Status404NotFound, new VaultEnvelope
            {
                Data = writer => WriteVersionMetadata(writer, metadata, metadata.CurrentVersion, current),
            });
        }

        var merged = VaultKv.MergePatch(current.Data!.Value, patch);
        var written = VaultKv.WriteV2(mount, key, merged, metadata.CurrentVersion, now);
        return WriteResponse(written.Key, written.Number, written.Version);
    }

    private static VaultResponse Metadata(VaultCall call, VaultMount mount, string key, DateTimeOffset now)
    {
        switch (call.Operation)
        {
            case VaultOperation.Read:
                return mount.KvV2.TryGetValue(key, out var metadata)
                    ? VaultResponse.Ok(new VaultEnvelope { Data = writer => WriteKeyMetadata(writer, metadata), MountType = MountType })
                    : VaultResponse.NotFound();

            case VaultOperation.Update:
                return WriteMetadata(call, mount, key, now);

            case VaultOperation.Delete:
                mount.KvV2.Remove(key);
                return VaultResponse.NoContent();

            case VaultOperation.List:
                return ListResponse(VaultKv.ListChildren(mount.KvV2.Keys, key));

            default:
                return Unsupported();
        }
    }

    private static VaultResponse WriteMetadata(VaultCall call, VaultMount mount, string key, DateTimeOffset now)
    {
        if (key.Length == 0)
        {
            throw VaultErrorException.BadRequest("missing path");
        }

        var hasMax = call.Body.TryGetProperty("max_versions", out var maxVersions);
        var hasCas = call.Body.TryGetProperty("cas_required", out _);
        var hasDelete = call.Body.TryGetProperty("delete_version_after", out var deleteAfter);
        var hasCustom = call.Body.TryGetProperty("custom_metadata", out var custom);
        if (!hasMax && !hasCas && !hasDelete && !hasCustom)
        {
            return VaultResponse.NoContent();
        }

        long max = 0;
        if (hasMax && !VaultCall.TryWeakInt(maxVersions, out max))
        {
            throw VaultErrorException.BadRequest($"error converting input {maxVersions.GetRawText()} for field \"max_versions\"");
        }

        var deleteVersionAfter = TimeSpan.Zero;
        if (hasDelete && !VaultGoFormat.TryParseDurationSecond(deleteAfter, out deleteVersionAfter))
        {
            throw VaultErrorException.BadRequest($"error converting input {deleteAfter.GetRawText()} for field \"delete_version_after\"");
        }

        var customMetadata = hasCustom ? ReadCustomMetadata(custom) : null;
        if (!mount.KvV2.TryGetValue(key, out var metadata))
        {
            metadata = new VaultKvV2Key { CreatedTime = now, UpdatedTime = now };
            mount.KvV2[key] = metadata;
        }

        if (hasMax)
        {
            metadata.MaxVersions = (int)Math.Clamp(max, 0, int.MaxValue);
        }

        if (hasCas)
        {
            metadata.CasRequired = call.GetBool("cas_required", defaultValue: false);
        }

        if (hasDelete)
        {
            metadata.DeleteVersionAfter = deleteVersionAfter;
        }

        if (customMetadata is not null)
        {
            metadata.CustomMetadata = customMetadata;
        }

        return VaultResponse.NoContent();
    }

    private static VaultResponse Versions(VaultCall call, VaultMount mount, string key, string action, DateTimeOffset now)
    {
        if (call.Operation != VaultOperation.Update)
        {
            return Unsupported();
        }

        var versions = ReadVersions(call);
        if (versions.Count == 0)
        {
            // path_delete.go capitalises the message; path_destroy.go does not.
            throw VaultErrorException.BadRequest(action == "destroy/" ? "no version number provided" : "No version number provided");
        }

        if (mount.KvV2.TryGetValue(key, out var metadata))
        {
            switch (action)
            {
                case "delete/":
                    VaultKv.SoftDelete(metadata, versions, now);
                    break;
                case "undelete/":
                    VaultKv.Undelete(metadata, versions, now);
                    break;
                default:
                    VaultKv.Destroy(metadata, versions);
                    break;
            }
        }

        return VaultResponse.NoContent();
    }

    /// <summary>The catch-all path of a versioned mount: 404 with a warning naming the <c>vault kv</c> subcommand.</summary>
    private static VaultResponse InvalidPath(VaultOperation operation)
    {
        var subcommand = operation switch
        {
            VaultOperation.Update => "put",
            VaultOperation.Read => "get",
            VaultOperation.List => "list",
            VaultOperation.Delete => "delete",
            _ => null,
        };
        if (subcommand is null)
        {
            return Unsupported();
        }

        return VaultResponse.WithStatus(StatusCodes.Status404NotFound, new VaultEnvelope
        {
            Warnings =
            [
                "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. "
                + $"If using the Vault CLI, use 'vault kv {subcommand}' for this operation.",
            ],
        });
    }

    private static VaultResponse WriteResponse(VaultKvV2Key metadata, int number, VaultKvV2Version version) =>
        VaultResponse.Ok(new VaultEnvelope
        {
            Data = writer => WriteVersionMetadata(writer, metadata, number, version),
            MountType = MountType,
        });

    private static VaultResponse ListResponse(List<string> keys)
    {
        if (keys.Count == 0)
        {
            return VaultResponse.NotFound();
        }

        return VaultResponse.Ok(new VaultEnvelope
        {
            Data = writer =>
            {
                writer.WriteStartObject();
                VaultJson.WriteStringsOrNull(writer, "keys", keys);
                writer.WriteEndObject();
            },
            MountType = MountType,
        });
    }

    private static VaultResponse Unsupported() => VaultResponse.Error(StatusCodes.Status405MethodNotAllowed, VaultResponse.UnsupportedOperation);

    /// <summary><c>{created_time, custom_metadata, deletion_time, destroyed, version}</c>.</summary>
    private static void WriteVersionMetadata(Utf8JsonWriter writer, VaultKvV2Key metadata, int number, VaultKvV2Version version)
    {
        writer.WriteStartObject();
        writer.WriteString("created_time", VaultGoFormat.FormatTime(version.CreatedTime));
        VaultJson.WriteStringMap(writer, "custom_metadata", metadata.CustomMetadata);
        writer.WriteString("deletion_time", version.DeletionTime is DateTimeOffset deleted ? VaultGoFormat.FormatTime(deleted) : string.Empty);
        writer.WriteBoolean("destroyed", version.Destroyed);
        writer.WriteNumber("version", number);
        writer.WriteEndObject();
    }

    private static void WriteKeyMetadata(Utf8JsonWriter writer, VaultKvV2Key metadata)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("cas_required", metadata.CasRequired);
        writer.WriteString("created_time", metadata.CreatedTime is DateTimeOffset created ? VaultGoFormat.FormatTime(created) : string.Empty);
        writer.WriteNumber("current_version", metadata.CurrentVersion);
        VaultJson.WriteStringMap(writer, "custom_metadata", metadata.CustomMetadata);
        writer.WriteString("delete_version_after", VaultGoFormat.FormatDuration(metadata.DeleteVersionAfter));
        writer.WriteNumber("max_versions", metadata.MaxVersions);
        writer.WriteNumber("oldest_version", metadata.OldestVersion);
        writer.WriteString("updated_time", metadata.UpdatedTime is DateTimeOffset updated ? VaultGoFormat.FormatTime(updated) : string.Empty);
        writer.WriteStartObject("versions");

        // Go sorts map keys as strings: "1", "10", "2".
        foreach (var (number, version) in metadata.Versions.OrderBy(pair => pair.Key.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal))
        {
            writer.WriteStartObject(number.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("created_time", VaultGoFormat.FormatTime(version.CreatedTime));
            writer.WriteString("deletion_time", version.DeletionTime is DateTimeOffset deleted ? VaultGoFormat.FormatTime(deleted) : string.Empty);
            writer.WriteBoolean("destroyed", version.Destroyed);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static JsonElement ReadData(VaultCall call)
    {
        if (!call.Body.TryGetProperty("data", out var data) || data.ValueKind == JsonValueKind.Null)
        {
            throw VaultErrorException.BadRequest("no data provided");
        }

        return data.ValueKind == JsonValueKind.Object
            ? data.Clone()
            : throw VaultErrorException.BadRequest($"error converting input {data.GetRawText()} for field \"data\"");
    }

    private static long? ReadCas(VaultCall call)
    {
        if (!call.Body.TryGetProperty("options", out var options) || options.ValueKind != JsonValueKind.Object
            || !options.TryGetProperty("cas", out var cas))
        {
            return null;
        }

        if (cas.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        return VaultCall.TryWeakInt(cas, out var value) ? value : throw VaultErrorException.BadRequest("error parsing check-and-set parameter");
    }

    /// <summary><c>TypeCommaIntSlice</c>: an array of numbers or numeric strings, a comma-separated string, or one number.</summary>
    private static List<int> ReadVersions(VaultCall call)
    {
        if (!call.TryGetField("versions", out var raw))
        {
            return [];
        }

        IEnumerable<JsonElement> items = raw.ValueKind switch
        {
            JsonValueKind.Array => raw.EnumerateArray().ToList(),
            JsonValueKind.String => raw.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(part => JsonSerializer.SerializeToElement(part)).ToList(),
            _ => [raw],
        };
        var versions = new List<int>();
        foreach (var item in items)
        {
            if (!VaultCall.TryWeakInt(item, out var number) || number is < int.MinValue or > int.MaxValue)
            {
                throw VaultErrorException.BadRequest($"error converting input {raw.GetRawText()} for field \"versions\"");
            }

            versions.Add((int)number);
        }

        return versions;
    }

    private static Dictionary<string, string> ReadCustomMetadata(JsonElement custom)
    {
        if (custom.ValueKind == JsonValueKind.Null)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        if (custom.ValueKind != JsonValueKind.Object)
        {
            throw VaultErrorException.BadRequest($"error converting input {custom.GetRawText()} for field \"custom_metadata\"");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var property in custom.EnumerateObject())
        {
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!,
                JsonValueKind.Number => property.Value.GetRawText(),
                JsonValueKind.True => "1",
                JsonValueKind.False => "0",
                JsonValueKind.Null => string.Empty,
                _ => throw VaultErrorException.BadRequest(
                    $"custom_metadata validation failed: '' expected type 'string', got unconvertible type '{property.Value.ValueKind}'"),
            };
            if (property.Name.Length is 0 or > 128)
            {
                problems.Add($"custom_metadata validation failed: length of key {VaultGoFormat.Quote(property.Name)} is {property.Name.Length} but must be 0 < len(key) <= 128");
            }

            if (value.Length is 0 or > 512)
            {
                problems.Add($"custom_metadata validation failed: length of value for key {VaultGoFormat.Quote(property.Name)} is {value.Length} but must be 0 < len(value) <= 512");
            }

            result[property.Name] = value;
        }

        if (problems.Count > 0)
        {
            var count = problems.Count == 1 ? "1 error occurred" : $"{problems.Count} errors occurred";
            throw VaultErrorException.BadRequest($"{count}:\n\t* {string.Join("\n\t* ", problems)}\n\n");
        }

        return result;
    }
}
