using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace SecretRotation.Testing;

/// <summary>
/// Answers one HTTP request the way the Key Vault secrets data plane does: latency, faults that come before the challenge,
/// the 401 challenge for requests without a bearer token (before the body is read), other faults, name validation,
/// access-policy denials, then the operation.
/// </summary>
internal sealed class KeyVaultRequestHandler(
    KeyVaultStore store,
    FaultInjector<KeyVaultFault> faults,
    PermissionDenials denials,
    RequestLog<KeyVaultRequest> log,
    Func<TimeSpan> latency,
    Guid tenantId,
    KeyVaultThrottle? throttle = null)
{
    /// <summary>At most this many items per page, and the page size when <c>maxresults</c> is absent.</summary>
    public const int MaxPageSize = 25;

    private const string JsonContentType = "application/json; charset=utf-8";
    private const string DefaultApiVersion = "2026-04-01";
    private const string ThrottledMessage = "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached";

    // Made-up caller identity for the access-policy error message.
    private const string CallerAppId = "0b1f3c5e-7a9d-4e2f-8c6b-1d3e5f7a9b0c";
    private const string CallerObjectId = "6e8a0c2e-4b6d-4f8a-9c0e-2f4a6c8e0a1b";

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.HasValue ? request.Path.Value! : "/";
        var route = KeyVaultRoute.Parse(request.Method, path);
        var authenticated = HasBearerToken(request);
        var logged = 0;
        context.Response.OnStarting(() =>
        {
            LogOnce();
            return Task.CompletedTask;
        });
        try
        {
            await RespondAsync(context, path, route, authenticated);
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
                var query = request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty;
                log.Add(new KeyVaultRequest
                {
                    Method = request.Method.ToUpperInvariant(),
                    Path = path,
                    Query = query,
                    ApiVersion = request.Query.TryGetValue("api-version", out var apiVersion) ? apiVersion.ToString() : null,
                    StatusCode = context.Response.StatusCode,
                    IsAuthenticated = authenticated,
                    Operation = route.Operation,
                    SecretName = route.Name,
                    SecretVersion = route.Version,
                });
            }
        }
    }

    private static bool HasBearerToken(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.AsSpan(7).Trim().Length > 0;
    }

    private async Task RespondAsync(HttpContext context, string path, KeyVaultRoute route, bool authenticated)
    {
        var cancellationToken = context.RequestAborted;
        var delay = latency();
        await LoopbackHost.DelayAtLeastAsync(delay, cancellationToken);

        AddCommonHeaders(context);
        var fault = faults.Take(context.Request.Method, path, candidate => authenticated || candidate.BeforeChallenge);
        if (fault is not null)
        {
            await LoopbackHost.DelayAtLeastAsync(fault.Latency, cancellationToken);

            if (fault.StatusCode is int statusCode)
            {
                await WriteFaultAsync(context, fault, statusCode);
                return;
            }
        }

        if (!authenticated)
        {
            // Before anything else looks at the request: the SDK sends its first request without the body to get this.
            context.Response.Headers.WWWAuthenticate =
                $"Bearer authorization=\"https://login.microsoftonline.com/{tenantId:D}\", resource=\"https://vault.azure.net\"";
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", "Request is missing a Bearer or PoP token.", null);
            return;
        }

        if (throttle is not null && !throttle.TryAcquire(out var retryAfter))
        {
            context.Response.Headers.RetryAfter = ((long)retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            await WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, "Throttled", ThrottledMessage, null);
            return;
        }

        try
        {
            await DispatchAsync(context, route);
        }
        catch (KeyVaultErrorException error)
        {
            await WriteErrorAsync(context, error.StatusCode, error.Code, error.Message, error.InnerCode);
        }
    }

    private async Task DispatchAsync(HttpContext context, KeyVaultRoute route)
    {
        var request = context.Request;
        if (route.Operation == KeyVaultOperation.Unknown)
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, "NotFound",
                $"The Key Vault emulator does not serve {request.Method} {request.Path}.", null);
            return;
        }

        if (route.Name is not null && !KeyVaultStore.IsValidName(route.Name))
        {
            throw KeyVaultErrorException.InvalidName(route.Name);
        }

        if (PermissionDenials.Required(route.Operation) is { } permission && denials.IsDenied(permission, route.Name))
        {
            throw AccessDenied(context, permission);
        }

        var vaultBase = VaultBase(context);
        var name = route.Name!;
        switch (route.Operation)
        {
            case KeyVaultOperation.GetSecret:
                var secret = store.Get(name, route.Version);
                if (!secret.Version.Enabled)
                {
                    throw KeyVaultErrorException.SecretDisabled();
                }

                await WriteJsonAsync(context, StatusCodes.Status200OK, writer => KeyVaultJson.WriteBundle(writer, vaultBase, secret, store, includeValue: true));
                break;

            case KeyVaultOperation.SetSecret:
                using (var body = await ReadBodyAsync(context))
                {
                    var (value, changes) = KeyVaultJson.ReadSetParameters(body.RootElement);
                    var created = store.Set(name, value, changes);
                    await WriteJsonAsync(context, StatusCodes.Status200OK, writer => KeyVaultJson.WriteBundle(writer, vaultBase, created, store, includeValue: true));
                }

                break;

            case KeyVaultOperation.UpdateSecret:
                using (var body = await ReadBodyAsync(context))
                {
                    var updated = store.Update(name, route.Version, KeyVaultJson.ReadUpdateParameters(body.RootElement));

                    // The service's update answer carries no value (UpdateSecret example in the REST spec).
                    await WriteJsonAsync(context, StatusCodes.Status200OK, writer => KeyVaultJson.WriteBundle(writer, vaultBase, updated, store, includeValue: false));
                }

                break;

            case KeyVaultOperation.DeleteSecret:
                var deleted = store.Delete(name);
                await WriteJsonAsync(context, StatusCodes.Status200OK, writer => KeyVaultJson.WriteBundle(writer, vaultBase, deleted, store, includeValue: false));
                break;

            case KeyVaultOperation.GetDeletedSecret:
                var found = store.GetDeleted(name);
                await WriteJsonAsync(context, StatusCodes.Status200OK, writer => KeyVaultJson.WriteBundle(writer, vaultBase, found, store, includeValue: false));
                break;

            case KeyVaultOperation.PurgeDeletedSecret:
                store.Purge(name);
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;

            case KeyVaultOperation.RecoverDeletedSecret:
                var recovered = store.Recover(name);
                await WriteJsonAsync(context, StatusCodes.Status200OK, writer => KeyVaultJson.WriteBundle(writer, vaultBase, recovered, store, includeValue: false));
                break;

            case KeyVaultOperation.ListSecrets:
                await ListSecretsAsync(context, vaultBase);
                break;

            case KeyVaultOperation.ListSecretVersions:
                await ListVersionsAsync(context, vaultBase, name);
                break;

            default:
                throw new InvalidOperationException($"Unhandled operation {route.Operation}.");
        }
    }

    private async Task ListSecretsAsync(HttpContext context, string vaultBase)
    {
        var (maxResults, explicitMax) = ReadMaxResults(context.Request);
        var after = ReadSkipToken(context.Request, 'n');
        var (items, continueAfter) = store.List(maxResults, after);
        var nextLink = continueAfter is null ? null : NextLink(context, vaultBase, "/secrets", 'n', continueAfter, explicitMax ? maxResults : null);
        await WriteJsonAsync(context, StatusCodes.Status200OK, writer => KeyVaultJson.WriteList(writer, items, vaultBase, store, versionedIds: false, nextLink));
    }

    private async Task ListVersionsAsync(HttpContext context, string vaultBase, string name)
    {
        var (maxResults, explicitMax) = ReadMaxResults(context.Request);
        var afterToken = ReadSkipToken(context.Request, 'v');
        var after = 0L;
        if (afterToken is not null && !long.TryParse(afterToken, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            throw KeyVaultErrorException.BadParameter("The $skiptoken is invalid.");
        }

        var (items, continueAfter) = store.ListVersions(name, maxResults, after);
        var nextLink = continueAfter is long sequence
            ? NextLink(context, vaultBase, $"/secrets/{name}/versions", 'v', sequence.ToString(CultureInfo.InvariantCulture), explicitMax ? maxResults : null)
            : null;
        await WriteJsonAsync(context, StatusCodes.Status200OK, writer => KeyVaultJson.WriteList(writer, items, vaultBase, store, versionedIds: true, nextLink));
    }

    private static (int MaxResults, bool Explicit) ReadMaxResults(HttpRequest request)
    {
        if (!request.Query.TryGetValue("maxresults", out var raw))
        {
            return (MaxPageSize, false);
        }

        return int.TryParse(raw.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= MaxPageSize
            ? (value, true)
            : throw KeyVaultErrorException.BadParameter($"The value of maxresults must be an integer between 1 and {MaxPageSize}.");
    }

    /// <summary>The skip token is opaque to clients: base64url of a kind letter, a colon and the key to continue after.</summary>
    private static string? ReadSkipToken(HttpRequest request, char kind)
    {
        if (!request.Query.TryGetValue("$skiptoken", out var raw))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(raw.ToString()));
            if (decoded.Length > 2 && decoded[0] == kind && decoded[1] == ':')
            {
                return decoded[2..];
            }
        }
        catch (FormatException)
        {
            // Reported below.
        }

        throw KeyVaultErrorException.BadParameter("The $skiptoken is invalid.");
    }

    /// <summary>An absolute link on this host, as the service sends: api-version, <c>$skiptoken</c>, and <c>maxresults</c> when the client gave one.</summary>
    private static string NextLink(HttpContext context, string vaultBase, string path, char kind, string continueAfter, int? maxResults)
    {
        var apiVersion = context.Request.Query.TryGetValue("api-version", out var given) && given.ToString().Length > 0 ? given.ToString() : DefaultApiVersion;
        var token = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{kind}:{continueAfter}"));
        var link = $"{vaultBase}{path}?api-version={Uri.EscapeDataString(apiVersion)}&$skiptoken={token}";
        return maxResults is int max ? link + "&maxresults=" + max.ToString(CultureInfo.InvariantCulture) : link;
    }

    private static async Task<JsonDocument> ReadBodyAsync(HttpContext context)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        }
        catch (JsonException)
        {
            throw KeyVaultErrorException.BadParameter("The request body is not a valid JSON document.");
        }
    }

    private KeyVaultErrorException AccessDenied(HttpContext context, KeyVaultSecretAccess permission)
    {
        var vaultName = $"kv-emulator-{context.Connection.LocalPort.ToString(CultureInfo.InvariantCulture)}";
        var permissionName = permission.ToString().ToLowerInvariant();
        return new KeyVaultErrorException(
            StatusCodes.Status403Forbidden,
            "Forbidden",
            $"The user, group or application 'appid={CallerAppId};oid={CallerObjectId};iss=https://sts.windows.net/{tenantId:D}/' does not have secrets {permissionName} permission on key vault '{vaultName};location=local'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287",
            "AccessDenied");
    }

    /// <summary>The vault's base URL as the client addressed it (ids and links use it), without a trailing slash.</summary>
    private static string VaultBase(HttpContext context) => $"https://{context.Request.Host.Value}";

    private static void AddCommonHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.Pragma = "no-cache";
        headers["x-ms-request-id"] = Guid.NewGuid().ToString("D");
        if (context.Request.Headers.TryGetValue("x-ms-client-request-id", out var clientRequestId))
        {
            headers["x-ms-client-request-id"] = clientRequestId;
        }
    }

    private static Task WriteFaultAsync(HttpContext context, KeyVaultFault fault, int statusCode)
    {
        if (fault.RetryAfter is TimeSpan retryAfter)
        {
            var seconds = (long)Math.Ceiling(Math.Max(0, retryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        var reason = ReasonPhrases.GetReasonPhrase(statusCode);
        var code = fault.ErrorCode ?? (statusCode == StatusCodes.Status429TooManyRequests ? "Throttled" : DefaultErrorCode(statusCode, reason));
        var message = fault.ErrorMessage ?? (statusCode == StatusCodes.Status429TooManyRequests
            ? ThrottledMessage
            : $"{(reason.Length > 0 ? reason : "Error")} (injected by the Key Vault emulator).");
        return WriteErrorAsync(context, statusCode, code, message, null);
    }

    private static string DefaultErrorCode(int statusCode, string reason) =>
        reason.Length > 0 ? reason.Replace(" ", string.Empty, StringComparison.Ordinal) : statusCode.ToString(CultureInfo.InvariantCulture);

    private static Task WriteErrorAsync(HttpContext context, int statusCode, string code, string message, string? innerCode) =>
        WriteJsonAsync(context, statusCode, writer => KeyVaultJson.WriteError(writer, code, message, innerCode));

    private static async Task WriteJsonAsync(HttpContext context, int statusCode, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, KeyVaultJson.WriterOptions))
        {
            write(writer);
        }

        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = JsonContentType;
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }
}
