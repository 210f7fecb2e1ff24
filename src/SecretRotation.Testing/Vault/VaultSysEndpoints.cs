using Microsoft.AspNetCore.Http;

namespace SecretRotation.Testing;

/// <summary>
/// The system backend paths the emulator serves (<c>logical_system.go</c>): <c>sys/health</c>, <c>sys/internal/ui/mounts/{path}</c>
/// and <c>sys/leases/{lookup,renew,revoke}</c>. The caller holds the state lock.
/// </summary>
internal static class VaultSysEndpoints
{
    private const string MountType = "system";

    /// <summary><c>sys/health</c>: not an envelope; 200 when unsealed, 503 when sealed.</summary>
    public static VaultResponse Health(bool isSealed, DateTimeOffset now, string clusterId)
    {
        var body = VaultJson.Document(writer =>
        {
            writer.WriteStartObject();
            writer.WriteBoolean("initialized", true);
            writer.WriteBoolean("sealed", isSealed);
            writer.WriteBoolean("standby", false);
            writer.WriteBoolean("performance_standby", false);
            writer.WriteString("replication_performance_mode", "disabled");
            writer.WriteString("replication_dr_mode", "disabled");
            writer.WriteNumber("server_time_utc", now.ToUnixTimeSeconds());
            writer.WriteString("version", "1.21.0");
            writer.WriteBoolean("enterprise", false);
            if (!isSealed)
            {
                writer.WriteString("cluster_name", "vault-cluster-emulator");
                writer.WriteString("cluster_id", clusterId);
            }

            writer.WriteEndObject();
        });
        return VaultResponse.Raw(isSealed ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK, body);
    }

    /// <summary>
    /// <c>sys/internal/ui/mounts/{path}</c>, an unauthenticated path that checks the token itself: the mount holding
    /// <paramref name="path"/>, or 403 when there is no such mount or the token has no capability under it.
    /// </summary>
    public static VaultResponse UiMount(VaultState state, VaultCall call, string path)
    {
        if (call.Operation != VaultOperation.Read)
        {
            return Unsupported();
        }

        if (path.Length == 0)
        {
            throw VaultErrorException.BadRequest("path not set");
        }

        var sanitized = path.TrimStart('/');
        sanitized = sanitized.EndsWith('/') ? sanitized : sanitized + "/";
        var preflight = new VaultErrorException(
            StatusCodes.Status403Forbidden,
            $"preflight capability check returned 403, please ensure client's policies grant access to path {VaultGoFormat.Quote(sanitized)}");
        var mount = state.FindMount(sanitized) ?? throw preflight;
        if (call.TokenText.Length == 0)
        {
            throw new VaultErrorException(StatusCodes.Status403Forbidden, VaultResponse.PermissionDenied);
        }

        var token = state.FindLiveToken(call.TokenText)
            ?? throw new VaultErrorException(StatusCodes.Status403Forbidden, VaultResponse.InvalidToken);
        if (!state.Policies.HasMountAccess(token.Policies, mount.Path))
        {
            throw preflight;
        }

        return VaultResponse.Ok(new VaultEnvelope
        {
            Data = writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("accessor", mount.Accessor);
                writer.WriteStartObject("config");
                writer.WriteNumber("default_lease_ttl", VaultTtl.Seconds(VaultTtl.SystemDefault));
                writer.WriteBoolean("force_no_cache", false);
                writer.WriteNumber("max_lease_ttl", VaultTtl.Seconds(VaultTtl.SystemMax));
                writer.WriteEndObject();
                writer.WriteString("description", mount.Description);
                writer.WriteBoolean("external_entropy_access", false);
                writer.WriteBoolean("local", false);
                writer.WritePropertyName("options");
                if (mount.KvVersion > 0)
                {
                    // The KV version is a string: "1" or "2".
                    writer.WriteStartObject();
                    writer.WriteString("version", mount.KvVersion == 2 ? "2" : "1");
                    writer.WriteEndObject();
                }
                else
                {
                    writer.WriteNullValue();
                }

                writer.WriteString("path", mount.Path);
                writer.WriteString("plugin_version", string.Empty);
                writer.WriteString("running_plugin_version", mount.Type == "kv" ? "v0.25.0+builtin" : "v1.21.0+builtin.vault");
                writer.WriteString("running_sha256", string.Empty);
                writer.WriteBoolean("seal_wrap", false);
                writer.WriteString("type", mount.Type);
                writer.WriteString("uuid", mount.Uuid);
                writer.WriteEndObject();
            },
            MountType = MountType,
        });
    }

    /// <summary><c>sys/leases/lookup</c> (update with <c>lease_id</c>) and <c>LIST sys/leases/lookup/{prefix}</c>.</summary>
    public static VaultResponse Lookup(VaultState state, VaultCall call, string listPrefix)
    {
        if (call.Operation == VaultOperation.List)
        {
            state.Sweep();
            var keys = VaultKv.ListChildren(state.Leases.Select(lease => lease.LeaseId), listPrefix);
            return keys.Count == 0
                ? VaultResponse.NotFound()
                : VaultResponse.Ok(new VaultEnvelope
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

        if (call.Operation != VaultOperation.Update)
        {
            return Unsupported();
        }

        var leaseId = call.GetString("lease_id");
        if (leaseId.Length == 0)
        {
            throw VaultErrorException.BadRequest("lease_id must be specified");
        }

        var lease = state.FindLiveLease(leaseId) ?? throw VaultErrorException.BadRequest("invalid lease");
        var now = state.Now;
        return VaultResponse.Ok(new VaultEnvelope
        {
            Data = writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("expire_time", VaultGoFormat.FormatTime(lease.Lease.ExpireTime));
                writer.WriteString("id", lease.LeaseId);
                writer.WriteString("issue_time", VaultGoFormat.FormatTime(lease.Lease.IssueTime));
                if (lease.Lease.LastRenewalTime is DateTimeOffset renewed)
                {
                    writer.WriteString("last_renewal", VaultGoFormat.FormatTime(renewed));
                }
                else
                {
                    writer.WriteNull("last_renewal");
                }

                writer.WriteBoolean("renewable", true);
                writer.WriteNumber("ttl", VaultTtl.Remaining(lease.Lease.ExpireTime, now));
                writer.WriteEndObject();
            },
            MountType = MountType,
        });
    }

    /// <summary><c>sys/leases/renew</c> (or <c>sys/renew</c>), lease id in the body or after the path.</summary>
    public static VaultResponse Renew(VaultState state, VaultCall call, string urlLeaseId)
    {
        if (call.Operation != VaultOperation.Update)
        {
            return Unsupported();
        }

        var leaseId = LeaseId(call, urlLeaseId);
        var increment = call.GetDurationSecond("increment");
        var lease = state.FindLiveLease(leaseId) ?? throw VaultErrorException.BadRequest("lease not found");
        var now = state.Now;
        var (ttl, warning) = VaultTtl.Calculate(now, increment, lease.DefaultTtl, lease.MaxTtl, TimeSpan.Zero, lease.Lease.IssueTime);
        lease.Renew(now, ttl);
        var answer = VaultResponse.Ok(new VaultEnvelope
        {
            LeaseId = lease.LeaseId,
            Renewable = true,
            LeaseDuration = VaultTtl.Seconds(ttl),
            Warnings = warning is null ? null : [warning],
            MountType = MountType,
        });
        if (lease.Role is { } role)
        {
            // A real database: the role's VALID UNTIL follows the lease, and the expiry timer moves with it.
            state.Database.Rescheduled(lease);
            call.Deferred = async cancellationToken =>
            {
                try
                {
                    await state.Database.RenewAsync(role, lease.Lease.Username, lease.Lease.ExpireTime, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    return VaultResponse.Error(
                        StatusCodes.Status500InternalServerError, $"1 error occurred:\n\t* failed to renew user: {exception.GetType().Name}\n\n");
                }

                return answer;
            };
        }

        return answer;
    }

    /// <summary><c>sys/leases/revoke</c> (or <c>sys/revoke</c>): 204, or 202 with <c>"sync": false</c>; an unknown lease is not an error.</summary>
    public static VaultResponse Revoke(VaultState state, VaultCall call, string urlLeaseId)
    {
        if (call.Operation != VaultOperation.Update)
        {
            return Unsupported();
        }

        var leaseId = LeaseId(call, urlLeaseId);
        var sync = call.GetBool("sync", defaultValue: true);
        state.RevokeLease(leaseId);
        if (!sync)
        {
            return VaultResponse.Empty(StatusCodes.Status202Accepted);
        }

        // A synchronous revocation answers once the database has revoked the user (at once without a database).
        var revoked = state.Database.WhenRevokedAsync(leaseId);
        if (!revoked.IsCompleted)
        {
            call.Deferred = async cancellationToken =>
            {
                // A client that leaves stops waiting; the revocation itself carries on.
                await revoked.WaitAsync(cancellationToken);
                return VaultResponse.NoContent();
            };
        }

        return VaultResponse.NoContent();
    }

    private static string LeaseId(VaultCall call, string urlLeaseId)
    {
        var leaseId = call.GetString("lease_id");
        if (leaseId.Length == 0)
        {
            leaseId = urlLeaseId;
        }

        return leaseId.Length > 0 ? leaseId : throw VaultErrorException.BadRequest("lease_id must be specified");
    }

    private static VaultResponse Unsupported() => VaultResponse.Error(StatusCodes.Status405MethodNotAllowed, VaultResponse.UnsupportedOperation);
}
