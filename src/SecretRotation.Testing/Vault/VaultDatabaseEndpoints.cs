using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace SecretRotation.Testing;

/// <summary>
/// The database secrets engine's <c>{mount}/creds/{role}</c>: new credentials and a renewable lease per read. The caller holds the
/// state lock. A role with a real database creates the user first (after the lock is released) and issues the lease only once
/// that succeeded, as the plugin does; a failure answers 500.
/// </summary>
internal static class VaultDatabaseEndpoints
{
    public static VaultResponse Handle(VaultState state, VaultCall call, VaultMount mount, string subPath)
    {
        if (!subPath.StartsWith("creds/", StringComparison.Ordinal) || subPath.Length == "creds/".Length
            || subPath.IndexOf('/', "creds/".Length) >= 0)
        {
            return VaultResponse.Error(StatusCodes.Status404NotFound, VaultResponse.UnsupportedPath);
        }

        if (call.Operation != VaultOperation.Read)
        {
            return VaultResponse.Error(StatusCodes.Status405MethodNotAllowed, VaultResponse.UnsupportedOperation);
        }

        var roleName = subPath["creds/".Length..];
        if (!mount.DatabaseRoles.TryGetValue(roleName, out var role))
        {
            throw VaultErrorException.BadRequest($"unknown role: {roleName}");
        }

        var token = call.Token!;
        var now = state.Now;
        var (ttl, warning) = VaultTtl.Calculate(now, TimeSpan.Zero, role.DefaultTtl, role.MaxTtl, TimeSpan.Zero, startTime: null);
        var lease = new VaultLeaseEntry
        {
            Lease = new VaultLease
            {
                LeaseId = call.Path + "/" + VaultRandom.Base62String(VaultRandom.TokenLength),
                Path = call.Path,
                IssueTime = now,
                ExpireTime = now + ttl,
                Renewable = true,
                Username = Username(token.DisplayName, roleName, now),
            },
            Password = VaultRandom.DatabasePassword(),
            TokenId = token.Id,
            DefaultTtl = role.DefaultTtl,
            MaxTtl = role.MaxTtl,
            Role = role.ExecuteAsync is null ? null : role,
        };
        var answer = VaultResponse.Ok(new VaultEnvelope
        {
            LeaseId = lease.LeaseId,
            Renewable = true,
            LeaseDuration = VaultTtl.Seconds(ttl),
            Data = writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("password", lease.Password);
                writer.WriteString("username", lease.Lease.Username);
                writer.WriteEndObject();
            },
            Warnings = warning is null ? null : [warning],
            MountType = "database",
        });
        if (lease.Role is null)
        {
            state.AddLease(lease);
            return answer;
        }

        call.Deferred = async cancellationToken =>
        {
            try
            {
                await state.Database.CreateAsync(role, lease.Lease.Username, lease.Password, lease.Lease.ExpireTime, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Vault's wording; the driver's message stays out of the answer (the statements hold the password).
                return VaultResponse.Error(
                    StatusCodes.Status500InternalServerError,
                    $"1 error occurred:\n\t* failed to create user: {exception.GetType().Name}\n\n");
            }

            lock (state.Gate)
            {
                state.AddLease(lease);
                state.Database.Track(lease);
            }

            return answer;
        };
        return answer;
    }

    /// <summary>
    /// The default username template of the database plugins:
    /// <c>{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 63 }}</c>.
    /// </summary>
    private static string Username(string displayName, string roleName, DateTimeOffset now)
    {
        var username = string.Create(
            CultureInfo.InvariantCulture,
            $"v-{Truncate(displayName, 8)}-{Truncate(roleName, 8)}-{VaultRandom.AlphanumericString(20)}-{now.ToUnixTimeSeconds()}");
        return Truncate(username, 63);
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
