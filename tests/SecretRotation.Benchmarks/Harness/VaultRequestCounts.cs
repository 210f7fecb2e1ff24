using SecretRotation.Testing;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>The requests a <see cref="VaultEmulator"/> answered over some span (a Build, a clock step, an hour), by kind.</summary>
/// <param name="Metadata">KV v2 <c>GET {mount}/metadata/{path}</c>: the poll's version check.</param>
/// <param name="Data">KV v2 <c>GET {mount}/data/{path}</c>: a full read of a secret.</param>
/// <param name="Creds">Dynamic credentials, <c>GET {mount}/creds/{role}</c>: each one issues new credentials and a new lease.</param>
/// <param name="LeaseRenewals"><c>sys/leases/renew</c> (or <c>sys/renew</c>).</param>
/// <param name="TokenRenewals"><c>auth/token/renew-self</c>.</param>
/// <param name="Logins"><c>auth/{mount}/login</c>.</param>
/// <param name="MountLookups"><c>sys/internal/ui/mounts/{path}</c>: which engine serves a path (kind <see cref="VaultSecretKind.Auto"/>).</param>
/// <param name="Other">Anything else (should be 0).</param>
/// <param name="Errors">Requests of any kind answered with a status of 400 or above (should be 0).</param>
internal sealed record VaultRequestCounts(int Metadata, int Data, int Creds, int LeaseRenewals, int TokenRenewals, int Logins, int MountLookups, int Other, int Errors)
{
    public static VaultRequestCounts None { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Every request, of any kind.</summary>
    public int Total => Metadata + Data + Creds + LeaseRenewals + TokenRenewals + Logins + MountLookups + Other;

    public static VaultRequestCounts From(IReadOnlyCollection<VaultRequest> requests)
    {
        int metadata = 0, data = 0, creds = 0, leaseRenewals = 0, tokenRenewals = 0, logins = 0, mountLookups = 0, other = 0, errors = 0;
        foreach (var request in requests)
        {
            var segments = request.Path.Split('/');
            var get = string.Equals(request.Method, "GET", StringComparison.OrdinalIgnoreCase);
            if (request.StatusCode >= 400)
            {
                errors++;
            }

            if (request.Path.StartsWith("sys/internal/ui/mounts/", StringComparison.Ordinal))
            {
                mountLookups++;
            }
            else if (request.Path is "sys/leases/renew" or "sys/renew" || request.Path.StartsWith("sys/leases/renew/", StringComparison.Ordinal))
            {
                leaseRenewals++;
            }
            else if (request.Path == "auth/token/renew-self")
            {
                tokenRenewals++;
            }
            else if (segments is ["auth", _, "login", ..])
            {
                logins++;
            }
            else if (get && segments is [_, "metadata", _, ..])
            {
                metadata++;
            }
            else if (get && segments is [_, "data", _, ..])
            {
                data++;
            }
            else if (get && segments is [_, "creds", _])
            {
                creds++;
            }
            else
            {
                other++;
            }
        }

        return new VaultRequestCounts(metadata, data, creds, leaseRenewals, tokenRenewals, logins, mountLookups, other, errors);
    }

    public static VaultRequestCounts Sum(IEnumerable<VaultRequestCounts> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return counts.Aggregate(None, static (sum, c) => new VaultRequestCounts(
            sum.Metadata + c.Metadata,
            sum.Data + c.Data,
            sum.Creds + c.Creds,
            sum.LeaseRenewals + c.LeaseRenewals,
            sum.TokenRenewals + c.TokenRenewals,
            sum.Logins + c.Logins,
            sum.MountLookups + c.MountLookups,
            sum.Other + c.Other,
            sum.Errors + c.Errors));
    }
}
