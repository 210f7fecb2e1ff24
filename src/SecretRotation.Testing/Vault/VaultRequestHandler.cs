using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace SecretRotation.Testing;

/// <summary>
/// Answers one HTTP request the way Vault's HTTP layer and core do: latency, injected faults, the seal, request parsing, the
/// unauthenticated paths (health, UI mount lookup, logins), the token and ACL check, then routing to the mount.
/// </summary>
internal sealed class VaultRequestHandler(
    VaultState state,
    FaultInjector<VaultFault> faults,
    RequestLog<VaultRequest> log,
    Func<TimeSpan> latency,
    Func<bool> isSealed,
    string clusterId)
{
    private const string ApiPrefix = "/v1/";

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var rawPath = request.Path.HasValue ? request.Path.Value! : "/";
        var method = request.Method.ToUpperInvariant();
        var vaultPath = rawPath.StartsWith(ApiPrefix, StringComparison.Ordinal) ? rawPath[ApiPrefix.Length..] : null;
        var accessor = "none";
        var logged = 0;
        context.Response.OnStarting(() =>
        {
            LogOnce();
            return Task.CompletedTask;
        });
        try
        {
            await LoopbackHost.DelayAtLeastAsync(latency(), context.RequestAborted);
            VaultResponse response;
            var fault = faults.Take(method, vaultPath ?? rawPath);
            if (fault is not null)
            {
                await LoopbackHost.DelayAtLeastAsync(fault.Latency, context.RequestAborted);
            }

            if (fault?.StatusCode is int faultStatus)
            {
                response = FaultResponse(fault, faultStatus, vaultPath ?? rawPath);
            }
            else
            {
                (response, accessor) = await ProcessAsync(context, method, vaultPath);
            }

            await WriteAsync(context, response);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        finally
        {
            LogOnce();
        }

        // Logged before the answer's headers go out (and at the latest here), so a client that has its answer always finds
        // the request in the log: a test that clears the log once the client is idle never sees a late entry.
        void LogOnce()
        {
            if (Interlocked.Exchange(ref logged, 1) == 0)
            {
                log.Add(new VaultRequest
                {
                    Method = method,
                    Path = vaultPath ?? rawPath,
                    Query = request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty,
                    StatusCode = context.Response.StatusCode,
                    TokenAccessor = accessor,
                    Namespace = request.Headers.TryGetValue("X-Vault-Namespace", out var ns) ? ns.ToString() : null,
                });
            }
        }
    }

    private async Task<(VaultResponse Response, string Accessor)> ProcessAsync(HttpContext context, string method, string? vaultPath)
    {
        var tokenText = VaultCall.ReadToken(context.Request);
        var accessor = tokenText.Length == 0 ? "none" : AccessorOf(tokenText);
        if (vaultPath is null)
        {
            return (VaultResponse.PageNotFound(), accessor);
        }

        if (isSealed())
        {
            return (vaultPath == "sys/health"
                ? VaultSysEndpoints.Health(isSealed: true, state.Now, clusterId)
                : VaultResponse.Error(StatusCodes.Status503ServiceUnavailable, VaultResponse.Sealed), accessor);
        }

        try
        {
            var call = await VaultCall.ParseAsync(context, method, vaultPath);
            VaultResponse response;
            lock (state.Gate)
            {
                response = Dispatch(call);
            }

            return (call.Deferred is { } deferred ? await deferred(context.RequestAborted) : response, accessor);
        }
        catch (VaultErrorException error)
        {
            return (error.ToResponse(), accessor);
        }
    }

    private string AccessorOf(string tokenText)
    {
        lock (state.Gate)
        {
            return state.FindLiveToken(tokenText)?.Accessor ?? "invalid";
        }
    }

    private VaultResponse Dispatch(VaultCall call)
    {
        var path = call.Path;
        if (path == "sys/health")
        {
            return VaultSysEndpoints.Health(isSealed: false, state.Now, clusterId);
        }

        if (TryStrip(path, "sys/internal/ui/mounts/", out var mountLookup))
        {
            return VaultSysEndpoints.UiMount(state, call, mountLookup);
        }

        if (LoginMount(path) is VaultMount loginMount)
        {
            return VaultAuthEndpoints.Login(state, call, loginMount);
        }

        // The token check and the ACL come before routing, so an unknown path with a weak token is 403, not 404.
        if (call.TokenText.Length == 0)
        {
            return VaultResponse.Error(StatusCodes.Status403Forbidden, VaultResponse.PermissionDenied);
        }

        var token = state.FindLiveToken(call.TokenText);
        if (token is null)
        {
            return VaultResponse.Error(StatusCodes.Status403Forbidden, VaultResponse.InvalidToken);
        }

        if (!state.Policies.Allows(token.Policies, path))
        {
            return VaultResponse.Error(StatusCodes.Status403Forbidden, VaultResponse.PolicyDenied);
        }

        call.Token = token;
        return Route(call);
    }

    private VaultResponse Route(VaultCall call)
    {
        var path = call.Path;
        foreach (var prefix in (ReadOnlySpan<string>)["sys/leases/renew", "sys/renew"])
        {
            if (IsPathOrBelow(path, prefix, out var leaseId))
            {
                return VaultSysEndpoints.Renew(state, call, leaseId);
            }
        }

        foreach (var prefix in (ReadOnlySpan<string>)["sys/leases/revoke", "sys/revoke"])
        {
            if (IsPathOrBelow(path, prefix, out var leaseId))
            {
                return VaultSysEndpoints.Revoke(state, call, leaseId);
            }
        }

        if (IsPathOrBelow(path, "sys/leases/lookup", out var lookupPrefix))
        {
            return VaultSysEndpoints.Lookup(state, call, lookupPrefix);
        }

        switch (path)
        {
            case "auth/token/lookup-self":
                return VaultAuthEndpoints.LookupSelf(state, call);
            case "auth/token/renew-self":
                return VaultAuthEndpoints.RenewSelf(state, call);
            case "auth/token/revoke-self":
                return VaultAuthEndpoints.RevokeSelf(state, call);
        }

        var mount = state.FindMount(path);
        if (mount is null)
        {
            return VaultResponse.Error(
                StatusCodes.Status404NotFound,
                $"no handler for route {VaultGoFormat.Quote(path)}. route entry not found.");
        }

        var subPath = path[mount.Path.Length..];
        return mount.Type switch
        {
            "kv" when mount.KvVersion == 1 => VaultKvEndpoints.HandleV1(call, mount, subPath),
            "kv" => VaultKvEndpoints.HandleV2(call, mount, subPath, state.Now),
            "database" => VaultDatabaseEndpoints.Handle(state, call, mount, subPath),
            _ => VaultResponse.Error(StatusCodes.Status404NotFound, VaultResponse.UnsupportedPath),
        };
    }

    /// <summary>The Kubernetes or AppRole mount whose login path this is (<c>auth/{mount}/login</c>), which needs no token.</summary>
    private VaultMount? LoginMount(string path)
    {
        if (!path.StartsWith("auth/", StringComparison.Ordinal) || !path.EndsWith("/login", StringComparison.Ordinal))
        {
            return null;
        }

        var mount = state.GetMount(path[..^"login".Length]);
        return mount?.Type is "kubernetes" or "approle" ? mount : null;
    }

    private static VaultResponse FaultResponse(VaultFault fault, int statusCode, string path)
    {
        var errors = fault.Errors?.ToArray() ?? statusCode switch
        {
            StatusCodes.Status429TooManyRequests => [$"request path {VaultGoFormat.Quote(path)}: rate limit quota exceeded"],
            StatusCodes.Status500InternalServerError => ["internal error"],
            StatusCodes.Status503ServiceUnavailable => [VaultResponse.Sealed],
            StatusCodes.Status403Forbidden => [VaultResponse.PolicyDenied],
            StatusCodes.Status404NotFound => [],
            _ => [ReasonPhrases.GetReasonPhrase(statusCode) is { Length: > 0 } reason ? reason.ToLowerInvariant() : "error"],
        };
        var response = VaultResponse.Error(statusCode, errors);
        return fault.RetryAfter is TimeSpan retryAfter
            ? VaultResponse.WithRetryAfter(response, (long)Math.Ceiling(Math.Max(0, retryAfter.TotalSeconds)))
            : response;
    }

    private static async Task WriteAsync(HttpContext context, VaultResponse response)
    {
        var http = context.Response;
        http.StatusCode = response.StatusCode;
        http.Headers.CacheControl = "no-store";
        if (response.RetryAfterSeconds is long seconds)
        {
            http.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        if (response.Body is null)
        {
            // Vault's respondOk sets the JSON content type even on 204.
            http.ContentType = "application/json";
            return;
        }

        http.ContentType = response.IsPlainText ? "text/plain; charset=utf-8" : "application/json";
        http.ContentLength = response.Body.Length;
        await http.Body.WriteAsync(response.Body, context.RequestAborted);
    }

    /// <summary>Whether the Vault path <paramref name="path"/> is <paramref name="prefix"/> or lies below it, segment by segment and case-sensitively; the prefix may start with <c>/</c> or <c>/v1/</c>.</summary>
    internal static bool IsUnder(string path, string prefix) =>
        EmulatorPaths.IsUnder(path, NormalizePath(prefix), StringComparison.Ordinal);

    /// <summary>Drops a leading <c>/v1/</c> or <c>/</c> so callers may pass either form.</summary>
    internal static string NormalizePath(string path) =>
        path.StartsWith(ApiPrefix, StringComparison.Ordinal) ? path[ApiPrefix.Length..] : path.TrimStart('/');

    /// <summary>Whether <paramref name="path"/> is <paramref name="prefix"/> or <c>{prefix}/{rest}</c>; <paramref name="rest"/> gets the part after the slash.</summary>
    private static bool IsPathOrBelow(string path, string prefix, out string rest)
    {
        rest = string.Empty;
        if (path == prefix)
        {
            return true;
        }

        return TryStrip(path, prefix + "/", out rest);
    }

    /// <summary>Whether <paramref name="path"/> starts with <paramref name="prefix"/>; <paramref name="rest"/> gets what follows it.</summary>
    internal static bool TryStrip(string path, string prefix, out string rest)
    {
        if (path.StartsWith(prefix, StringComparison.Ordinal))
        {
            rest = path[prefix.Length..];
            return true;
        }

        rest = string.Empty;
        return false;
    }
}
