namespace SecretRotation.Testing;

/// <summary>
/// ACL policies reduced to paths: a policy grants every capability on its paths. Paths follow Vault's policy syntax: exact, a
/// trailing <c>*</c> for a prefix, <c>+</c> for one whole segment. <c>root</c> grants everything; <c>default</c> starts as Vault's
/// built-in default policy (token self-service, lease renew and lookup, cubbyhole).
/// </summary>
internal sealed class VaultPolicies
{
    private static readonly string[] s_defaultPolicy =
    [
        "auth/token/lookup-self",
        "auth/token/renew-self",
        "auth/token/revoke-self",
        "sys/capabilities-self",
        "sys/internal/ui/resultant-acl",
        "sys/renew",
        "sys/leases/renew",
        "sys/leases/lookup",
        "cubbyhole/*",
        "sys/wrapping/wrap",
        "sys/wrapping/lookup",
        "sys/wrapping/unwrap",
        "sys/tools/hash",
        "sys/tools/hash/*",
        "sys/control-group/request",
        "identity/oidc/provider/+/authorize",
    ];

    private readonly Dictionary<string, string[]> _policies = new(StringComparer.Ordinal) { ["default"] = s_defaultPolicy };

    /// <summary>Vault's <c>policyutil.SanitizePolicies</c>: trimmed, lower case, <c>root</c> alone if present, <c>default</c> added, sorted, distinct.</summary>
    public static IReadOnlyList<string> Sanitize(IEnumerable<string> policies, bool addDefault)
    {
        var names = policies.Select(policy => policy.Trim().ToLowerInvariant()).Where(policy => policy.Length > 0).ToList();
        if (names.Contains("root"))
        {
            return ["root"];
        }

        if (addDefault && !names.Contains("default"))
        {
            names.Add("default");
        }

        return [.. names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public void Set(string name, IEnumerable<string> paths) => _policies[name] = [.. paths.Select(path => path.TrimStart('/'))];

    /// <summary>Whether any of the token's policies grants <paramref name="path"/>.</summary>
    public bool Allows(IReadOnlyList<string> tokenPolicies, string path) =>
        tokenPolicies.Contains("root") || Patterns(tokenPolicies).Any(pattern => Matches(pattern, path));

    /// <summary>
    /// <c>hasMountAccess</c>: whether the token may see the mount at all — a policy path that covers the mount path or lies under it.
    /// </summary>
    public bool HasMountAccess(IReadOnlyList<string> tokenPolicies, string mountPath) =>
        tokenPolicies.Contains("root") || Patterns(tokenPolicies).Any(pattern =>
            Matches(pattern, mountPath)
            || pattern.TrimEnd('*').StartsWith(mountPath, StringComparison.Ordinal)
            || (pattern.EndsWith('*') && mountPath.StartsWith(pattern[..^1], StringComparison.Ordinal)));

    private static bool Matches(string pattern, string path)
    {
        var prefix = pattern.EndsWith('*');
        var body = prefix ? pattern[..^1] : pattern;
        var position = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var isSegmentWildcard = body[i] == '+' && (i == 0 || body[i - 1] == '/') && (i + 1 == body.Length || body[i + 1] == '/');
            if (isSegmentWildcard)
            {
                var end = path.IndexOf('/', position);
                end = end < 0 ? path.Length : end;
                if (end == position)
                {
                    return false;
                }

                position = end;
                continue;
            }

            if (position >= path.Length || path[position] != body[i])
            {
                return false;
            }

            position++;
        }

        return prefix || position == path.Length;
    }

    private IEnumerable<string> Patterns(IReadOnlyList<string> tokenPolicies) =>
        tokenPolicies.SelectMany(name => _policies.TryGetValue(name, out var paths) ? paths : []);
}
