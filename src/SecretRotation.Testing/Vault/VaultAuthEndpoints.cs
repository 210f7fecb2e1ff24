using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace SecretRotation.Testing;

/// <summary>
/// Token self-service (<c>auth/token/lookup-self</c>, <c>renew-self</c>, <c>revoke-self</c>; Vault <c>token_store.go</c>) and the
/// Kubernetes and AppRole logins. The caller holds the state lock.
/// </summary>
internal static partial class VaultAuthEndpoints
{
    private const string TokenMountType = "token";

    /// <summary>Issues a token with a lease, capping its TTL as <c>CalculateTTL</c> does at creation.</summary>
    /// <returns>The token and the cap warning, if any.</returns>
    public static (VaultToken Token, string? Warning) IssueToken(
        VaultState state,
        string path,
        string displayName,
        IReadOnlyList<string> policies,
        IReadOnlyDictionary<string, string>? meta,
        TimeSpan ttl,
        TimeSpan? roleTtl,
        TimeSpan roleMaxTtl,
        TimeSpan explicitMaxTtl,
        bool renewable,
        bool orphan,
        string entityId)
    {
        var now = state.Now;
        var (granted, warning) = VaultTtl.Calculate(now, TimeSpan.Zero, ttl, roleMaxTtl, explicitMaxTtl, startTime: null);
        var token = new VaultToken
        {
            Id = VaultRandom.ServiceToken(),
            Accessor = VaultRandom.Base62String(VaultRandom.TokenLength),
            Policies = policies,
            Path = path,
            DisplayName = displayName,
            Meta = meta,
            CreationTime = now,
            CreationTtl = granted,
            ExplicitMaxTtl = explicitMaxTtl,
            RoleTtl = roleTtl,
            RoleMaxTtl = roleMaxTtl,
            Renewable = renewable,
            HasLease = true,
            ExpireTime = now + granted,
            GrantedTtl = granted,
            Orphan = orphan,
            EntityId = entityId,
        };
        state.AddToken(token);
        return (token, warning);
    }

    public static VaultResponse LookupSelf(VaultState state, VaultCall call)
    {
        if (call.Operation is not (VaultOperation.Read or VaultOperation.Update))
        {
            return Unsupported();
        }

        var token = call.Token!;
        var now = state.Now;
        return VaultResponse.Ok(new VaultEnvelope
        {
            Data = writer =>
            {
                // Go writes the map's keys sorted.
                writer.WriteStartObject();
                writer.WriteString("accessor", token.Accessor);
                writer.WriteNumber("creation_time", token.CreationTime.ToUnixTimeSeconds());
                writer.WriteNumber("creation_ttl", VaultTtl.Seconds(token.CreationTtl));
                writer.WriteString("display_name", token.DisplayName);
                writer.WriteString("entity_id", token.EntityId);
                if (token.ExpireTime is DateTimeOffset expire)
                {
                    writer.WriteString("expire_time", VaultGoFormat.FormatTime(expire));
                }
                else
                {
                    writer.WriteNull("expire_time");
                }

                writer.WriteNumber("explicit_max_ttl", VaultTtl.Seconds(token.ExplicitMaxTtl));
                writer.WriteString("id", token.Id);
                if (token.HasLease)
                {
                    writer.WriteString("issue_time", VaultGoFormat.FormatTime(token.CreationTime));
                }

                if (token.LastRenewalTime is DateTimeOffset renewed)
                {
                    writer.WriteString("last_renewal", VaultGoFormat.FormatTime(renewed));
                    writer.WriteNumber("last_renewal_time", renewed.ToUnixTimeSeconds());
                }

                VaultJson.WriteStringMap(writer, "meta", token.Meta);
                writer.WriteNumber("num_uses", 0);
                writer.WriteBoolean("orphan", token.Orphan);
                writer.WriteString("path", token.Path);
                VaultJson.WriteStringsOrNull(writer, "policies", token.Policies);
                if (token.HasLease)
                {
                    writer.WriteBoolean("renewable", token.Renewable);
                }

                writer.WriteNumber("ttl", token.ExpireTime is DateTimeOffset expiry ? VaultTtl.Remaining(expiry, now) : 0);
                writer.WriteString("type", "service");
                writer.WriteEndObject();
            },
            MountType = TokenMountType,
        });
    }

    public static VaultResponse RenewSelf(VaultState state, VaultCall call)
    {
        if (call.Operation != VaultOperation.Update)
        {
            return Unsupported();
        }

        var token = call.Token!;
        var increment = call.GetDurationSecond("increment");
        if (!token.HasLease)
        {
            throw VaultErrorException.BadRequest("lease not found");
        }

        if (!token.Renewable)
        {
            throw VaultErrorException.BadRequest("lease is not renewable");
        }

        var now = state.Now;
        var backendTtl = token.RoleTtl ?? token.GrantedTtl;
        var (ttl, warning) = VaultTtl.Calculate(now, increment, backendTtl, token.RoleMaxTtl, token.ExplicitMaxTtl, token.CreationTime);
        token.ExpireTime = now + ttl;
        token.LastRenewalTime = now;
        token.GrantedTtl = ttl;
        return VaultResponse.Ok(new VaultEnvelope
        {
            Warnings = warning is null ? null : [warning],
            Auth = AuthBlock(token, ttl),
            MountType = TokenMountType,
        });
    }

    public static VaultResponse RevokeSelf(VaultState state, VaultCall call)
    {
        if (call.Operation != VaultOperation.Update)
        {
            return Unsupported();
        }

        state.RevokeToken(call.Token!);
        return VaultResponse.NoContent();
    }

    /// <summary><c>auth/{mount}/login</c> of a Kubernetes or AppRole mount; no token needed.</summary>
    public static VaultResponse Login(VaultState state, VaultCall call, VaultMount mount)
    {
        if (call.Operation != VaultOperation.Update)
        {
            return Unsupported();
        }

        var role = mount.Type == "kubernetes" ? KubernetesRole(call, mount) : AppRole(call, mount);
        var mountName = mount.Path["auth/".Length..].TrimEnd('/');
        var (token, warning) = IssueToken(
            state,
            path: mount.Path + "login",
            displayName: mountName + role.DisplayNameSuffix,
            role.Policies,
            role.Metadata,
            role.TokenTtl,
            roleTtl: role.TokenTtl,
            roleMaxTtl: role.TokenMaxTtl,
            explicitMaxTtl: TimeSpan.Zero,
            renewable: true,
            orphan: true,
            role.EntityId);

        // Observed on real servers: a login response carries "mount_type":"".
        return VaultResponse.Ok(new VaultEnvelope
        {
            Warnings = warning is null ? null : [warning],
            Auth = AuthBlock(token, token.GrantedTtl),
        });
    }

    /// <summary>The display-name suffix Vault derives from a namespace and service account name (<c>[^a-zA-Z0-9-]</c> becomes <c>-</c>).</summary>
    public static string SanitizeDisplayName(string value) => DisplayNameSanitizer().Replace(value, "-");

    private static VaultLoginRole KubernetesRole(VaultCall call, VaultMount mount)
    {
        var roleName = call.GetString("role");
        if (roleName.Length == 0)
        {
            throw VaultErrorException.BadRequest("missing role");
        }

        var jwt = call.GetString("jwt");
        if (jwt.Length == 0)
        {
            throw VaultErrorException.BadRequest("missing jwt");
        }

        if (!mount.LoginRoles.TryGetValue(roleName, out var role))
        {
            throw VaultErrorException.BadRequest($"invalid role name {VaultGoFormat.Quote(roleName)}");
        }

        return string.Equals(jwt, role.Jwt, StringComparison.Ordinal)
            ? role
            : throw new VaultErrorException(StatusCodes.Status403Forbidden, VaultResponse.PermissionDenied);
    }

    private static VaultLoginRole AppRole(VaultCall call, VaultMount mount)
    {
        var roleId = call.GetString("role_id").Trim();
        if (roleId.Length == 0)
        {
            throw VaultErrorException.BadRequest("missing role_id");
        }

        var role = mount.LoginRoles.Values.FirstOrDefault(candidate => string.Equals(candidate.RoleId, roleId, StringComparison.Ordinal))
            ?? throw VaultErrorException.BadRequest("invalid role or secret ID");
        var secretId = call.GetString("secret_id").Trim();
        if (secretId.Length == 0)
        {
            throw VaultErrorException.BadRequest("missing secret_id");
        }

        return string.Equals(secretId, role.SecretId, StringComparison.Ordinal)
            ? role
            : throw VaultErrorException.BadRequest("invalid role or secret ID");
    }

    private static VaultAuthBlock AuthBlock(VaultToken token, TimeSpan ttl) => new()
    {
        ClientToken = token.Id,
        Accessor = token.Accessor,
        Policies = token.Policies,
        TokenPolicies = token.Policies,
        Metadata = token.Meta,
        LeaseDuration = VaultTtl.Seconds(ttl),
        Renewable = token.Renewable,
        EntityId = token.EntityId,
        Orphan = token.Orphan,
    };

    private static VaultResponse Unsupported() => VaultResponse.Error(StatusCodes.Status405MethodNotAllowed, VaultResponse.UnsupportedOperation);

    [GeneratedRegex("[^a-zA-Z0-9-]")]
    private static partial Regex DisplayNameSanitizer();

    /// <summary>A JWT's payload claims (the signature is not checked), or <see langword="null"/> when the text is not a JWT.</summary>
    internal static JsonElement? ParseJwtPayload(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var document = JsonDocument.Parse(Convert.FromBase64String(payload));
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (Exception error) when (error is FormatException or JsonException)
        {
            return null;
        }
    }
}
