using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace SecretRotation.Testing;

/// <summary>
/// Answers one HTTP request the way the API server's filter chain and REST handlers do: latency, injected faults, authentication
/// (bearer token, 401), request info (verb, resource, namespace, name), RBAC (403), then get, list, watch, create, update, patch or
/// delete on the store.
/// </summary>
internal sealed class KubernetesRequestHandler(
    KubernetesStore store,
    KubernetesSettings settings,
    FaultInjector<KubernetesFault> faults,
    RequestLog<KubernetesRequest> log,
    Func<string, KubernetesIdentity?> authenticate,
    CancellationToken shutdown)
{
    public static bool IsUnder(string path, string prefix) => EmulatorPaths.IsUnder(path, prefix, StringComparison.Ordinal);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.HasValue ? request.Path.Value! : "/";
        var method = request.Method.ToUpperInvariant();
        var info = new RequestInfo();
        var logged = 0;
        context.Response.OnStarting(() =>
        {
            LogOnce();
            return Task.CompletedTask;
        });
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, shutdown);
        try
        {
            await LoopbackHost.DelayAtLeastAsync(settings.Latency, aborted.Token);
            var route = KubernetesRoute.Parse(path);
            var isWatch = route?.Resource is not null && method == "GET" && (route.WatchPath || IsTrue(request.Query["watch"]));
            var fault = faults.Take(method, path, candidate => !candidate.WatchOnly || isWatch);
            if (fault is not null)
            {
                await LoopbackHost.DelayAtLeastAsync(fault.Latency, aborted.Token);
            }

            if (fault?.StatusCode is int faultStatus)
            {
                if (fault.RetryAfter is TimeSpan retryAfter)
                {
                    context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                }

                await WriteJsonAsync(
                    context,
                    faultStatus,
                    KubernetesStatus.Failure(faultStatus, KubernetesStatus.ReasonFor(faultStatus), fault.Message ?? KubernetesStatus.MessageFor(faultStatus)));
                return;
            }

            try
            {
                if (fault is { StallWatch: true } && isWatch)
                {
                    info = info with { Verb = "watch", Resource = route!.Resource!.Name, Namespace = route.Namespace, Name = route.Name };
                    await StartStreamAsync(context);
                    await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, aborted.Token);
                    return;
                }

                await ProcessAsync(context, method, route, isWatch, info, updated => info = updated, aborted.Token);
            }
            catch (KubernetesErrorException error) when (!context.Response.HasStarted)
            {
                if (error.Code == StatusCodes.Status429TooManyRequests)
                {
                    context.Response.Headers.RetryAfter = "1";
                }

                await WriteJsonAsync(context, error.Code, error.ToStatus());
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away, or the emulator stops: nothing more to answer.
        }
        finally
        {
            LogOnce();
        }

        // Logged before the answer's headers go out (at the latest here), so a client that has its answer finds the request in the log.
        void LogOnce()
        {
            if (Interlocked.Exchange(ref logged, 1) == 0)
            {
                log.Add(new KubernetesRequest
                {
                    Method = method,
                    Path = path,
                    Query = request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty,
                    StatusCode = context.Response.StatusCode,
                    User = info.User,
                    Verb = info.Verb,
                    Resource = info.Resource,
                    Namespace = info.Namespace,
                    Name = info.Name,
                });
            }
        }
    }

    private async Task ProcessAsync(
        HttpContext context, string method, KubernetesRoute? route, bool isWatch, RequestInfo info, Action<RequestInfo> report, CancellationToken cancellationToken)
    {
        var identity = Authenticate(context.Request, ref info);
        report(info);
        if (identity is null)
        {
            throw new KubernetesErrorException(StatusCodes.Status401Unauthorized, "Unauthorized", "Unauthorized");
        }

        if (route is null)
        {
            throw KubernetesErrorException.PageNotFound();
        }

        if (route.Discovery is string discovery)
        {
            if (method != "GET")
            {
                throw KubernetesErrorException.MethodNotAllowed();
            }

            await WriteDiscoveryAsync(context, discovery);
            return;
        }

        var resource = route.Resource!;
        var query = context.Request.Query;
        var fields = KubernetesFieldSelector.Parse(query["fieldSelector"], resource);
        var verb = (method, route.Name is null) switch
        {
            ("GET", _) when isWatch => "watch",
            ("GET", true) => "list",
            ("GET", false) => "get",
            ("POST", true) => "create",
            ("PUT", false) => "update",
            ("PATCH", false) => "patch",
            ("DELETE", false) => "delete",
            _ => throw KubernetesErrorException.MethodNotAllowed(),
        };

        // As the API server's request info: a list or watch names an object through a metadata.name field selector.
        var name = route.Name ?? (verb is "list" or "watch" ? fields.SingleName : null);
        info = info with { Verb = verb, Resource = resource.Name, Namespace = route.Namespace, Name = name };
        report(info);
        if (!KubernetesAuthorizer.Allows(identity, verb, resource, route.Namespace, name))
        {
            throw KubernetesAuthorizer.Forbidden(identity.User, verb, resource, route.Namespace, name);
        }

        if (route.Name is not null && verb == "watch")
        {
            // A watch of one object is a watch of the collection narrowed to that name.
            fields = KubernetesFieldSelector.Parse(
                string.IsNullOrEmpty(query["fieldSelector"]) ? $"metadata.name={route.Name}" : $"{query["fieldSelector"]},metadata.name={route.Name}",
                resource);
        }

        var labels = KubernetesLabelSelector.Parse(query["labelSelector"]);
        switch (verb)
        {
            case "watch":
                await WatchAsync(context, resource, route.Namespace, labels, fields, cancellationToken);
                return;
            case "list":
                await WriteJsonAsync(context, StatusCodes.Status200OK, List(query, resource, route.Namespace, labels, fields));
                return;
            case "get":
                JsonObject found;
                lock (store.Gate)
                {
                    found = store.Get(new KubernetesObjectKey(resource, route.Namespace!, route.Name!));
                }

                await WriteJsonAsync(context, StatusCodes.Status200OK, found);
                return;
            case "delete":
                await DeleteAsync(context, resource, route.Namespace!, route.Name!, cancellationToken);
                return;
        }

        var body = KubernetesPatch.ParseBody(await ReadBodyAsync(context, cancellationToken));
        var dryRun = query["dryRun"].Count > 0;
        if (verb != "patch")
        {
            RequireJson(context.Request.ContentType);
        }

        JsonObject result;
        var status = StatusCodes.Status200OK;
        lock (store.Gate)
        {
            switch (verb)
            {
                case "create":
                    var created = KubernetesObjects.Normalize(resource, route.Namespace!, body, urlName: null, KubernetesStore.GeneratedSuffix);
                    if (dryRun)
                    {
                        if (store.Find(new KubernetesObjectKey(resource, route.Namespace!, KubernetesObjects.NameOf(created))) is not null)
                        {
                            throw KubernetesErrorException.AlreadyExists(resource, KubernetesObjects.NameOf(created));
                        }

                        result = created;
                    }
                    else
                    {
                        result = store.Create(resource, created);
                    }

                    status = StatusCodes.Status201Created;
                    break;
                case "update":
                    var expected = (body as JsonObject)?["metadata"]?["resourceVersion"]?.GetValue<string>();
                    var replacement = KubernetesObjects.Normalize(resource, route.Namespace!, body, route.Name, KubernetesStore.GeneratedSuffix);
                    result = dryRun ? store.Get(new KubernetesObjectKey(resource, route.Namespace!, route.Name!)) : store.Update(resource, replacement, expected);
                    break;
                default:
                    var existing = store.Get(new KubernetesObjectKey(resource, route.Namespace!, route.Name!));
                    var patched = KubernetesPatch.Apply(context.Request.ContentType, existing, body);

                    // A resource version in the patch is a precondition, as the API server treats it.
                    var patchedVersion = patched["metadata"]?["resourceVersion"]?.GetValue<string>();
                    var precondition = patchedVersion != KubernetesObjects.ResourceVersionOf(existing) ? patchedVersion : null;
                    if (precondition is not null)
                    {
                        throw KubernetesErrorException.Conflict(resource, route.Name!);
                    }

                    var normalized = KubernetesObjects.Normalize(resource, route.Namespace!, patched, route.Name, KubernetesStore.GeneratedSuffix);
                    result = dryRun ? existing : store.Update(resource, normalized, expectedVersion: null);
                    break;
            }
        }

        await WriteJsonAsync(context, status, result);
    }

    private JsonObject List(IQueryCollection query, KubernetesResource resource, string? ns, KubernetesLabelSelector labels, KubernetesFieldSelector fields)
    {
        var version = ParseVersion(query["resourceVersion"]);
        var match = query["resourceVersionMatch"].ToString();
        var limit = query["limit"].Count > 0 && long.TryParse(query["limit"], CultureInfo.InvariantCulture, out var parsedLimit) && parsedLimit > 0 ? parsedLimit : 0;
        var continueToken = query["continue"].ToString();
        if (match.Length > 0 && match is not ("Exact" or "NotOlderThan"))
        {
            throw Invalid($"resourceVersionMatch: Unsupported value: \"{match}\": supported values: \"Exact\", \"NotOlderThan\"");
        }

        if (match.Length > 0 && version is null)
        {
            throw Invalid("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
        }

        if (match == "Exact" && version == 0)
        {
            throw Invalid("resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"");
        }

        lock (store.Gate)
        {
            long listVersion = store.ResourceVersion;
            string? startAfter = null;
            IEnumerable<(KubernetesObjectKey Key, JsonObject Object)> objects;
            if (continueToken.Length > 0)
            {
                (listVersion, startAfter) = ParseContinue(continueToken);
                if (listVersion < store.CompactedThrough)
                {
                    throw KubernetesErrorException.Expired(
                        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue value from the response to get a consistent list.");
                }

                objects = Ordered(store.StateAt(listVersion), resource, ns);
            }
            else if (version is long requested and > 0 && requested > store.ResourceVersion)
            {
                throw TooLarge(requested);
            }
            else if (match == "Exact")
            {
                listVersion = version!.Value;
                objects = Ordered(store.StateAt(listVersion), resource, ns);
            }
            else
            {
                objects = store.All(resource, ns);
            }

            var items = new JsonArray();
            string? next = null;
            long remaining = 0;
            foreach (var (key, obj) in objects)
            {
                if (startAfter is not null && string.CompareOrdinal($"{key.Namespace}/{key.Name}", startAfter) <= 0)
                {
                    continue;
                }

                if (!fields.Matches(obj) || !labels.Matches(obj))
                {
                    continue;
                }

                if (limit > 0 && items.Count >= limit)
                {
                    next ??= ContinueToken(listVersion, items[^1]!);
                    remaining++;
                    continue;
                }

                items.Add(KubernetesObjects.ForList(obj));
            }

            var metadata = new JsonObject { ["resourceVersion"] = KubernetesObjects.FormatVersion(listVersion) };
            if (next is not null)
            {
                metadata["continue"] = next;
                metadata["remainingItemCount"] = remaining;
            }

            return new JsonObject { ["kind"] = resource.ListKind, ["apiVersion"] = "v1", ["metadata"] = metadata, ["items"] = items };
        }
    }

    private async Task WatchAsync(
        HttpContext context, KubernetesResource resource, string? ns, KubernetesLabelSelector labels, KubernetesFieldSelector fields, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var version = ParseVersion(query["resourceVersion"]);
        var bookmarks = IsTrue(query["allowWatchBookmarks"]);
        var sendInitialEvents = query["sendInitialEvents"].Count > 0 ? IsTrue(query["sendInitialEvents"]) : (bool?)null;
        var match = query["resourceVersionMatch"].ToString();
        if (sendInitialEvents is null && match.Length > 0)
        {
            throw Invalid("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided");
        }

        if (sendInitialEvents is not null && match != "NotOlderThan")
        {
            throw Invalid("resourceVersionMatch: Unsupported value: \"" + match + "\": supported values: \"NotOlderThan\"");
        }

        if (sendInitialEvents == true && !bookmarks)
        {
            throw Invalid("allowWatchBookmarks: Required value: allowWatchBookmarks must be set to true when sendInitialEvents is true");
        }

        var timeout = settings.DefaultWatchTimeout;
        if (query["timeoutSeconds"].Count > 0)
        {
            if (!long.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) || seconds < 0)
            {
                throw KubernetesErrorException.BadRequest($"timeoutSeconds: Invalid value: \"{query["timeoutSeconds"]}\"");
            }

            timeout = seconds == 0 ? settings.DefaultWatchTimeout : TimeSpan.FromSeconds(Math.Min(seconds, (long)TimeSpan.FromDays(1).TotalSeconds));
        }

        using var watcher = new KubernetesWatcher(resource, ns, labels, fields, bookmarks, settings.WatchBufferLimit);
        try
        {
            Register(watcher, version, sendInitialEvents == true);
            await StreamAsync(context, watcher, timeout, cancellationToken);
        }
        finally
        {
            lock (store.Gate)
            {
                store.RemoveWatcher(watcher);
            }
        }
    }

    /// <summary>Adds the watcher to the store and queues its first events, all under the lock so no change slips in between.</summary>
    private void Register(KubernetesWatcher watcher, long? version, bool sendInitialEvents)
    {
        var resource = watcher.Resource;
        var ns = watcher.Namespace;
        lock (store.Gate)
        {
            if (version is long requested && requested > store.ResourceVersion)
            {
                throw TooLarge(requested);
            }

            store.AddWatcher(watcher, settings.MaxWatches);
            if (sendInitialEvents || version is null or 0)
            {
                // "Get State and Start at Most Recent" (unset) / "at Any" ("0"): synthetic ADDED events for what exists now.
                foreach (var (key, obj) in store.All(resource, ns))
                {
                    if (watcher.Matches(key, obj))
                    {
                        watcher.OfferAdded(obj);
                    }
                }

                if (sendInitialEvents)
                {
                    watcher.OfferBookmark(store.ResourceVersion, initialEventsEnd: true);
                }
            }
            else if (version < store.CompactedThrough)
            {
                // As the watch cache: the stream starts (200), and its only event is an ERROR with 410 Expired.
                watcher.OfferErrorAndClose(store.TooOld(version.Value));
            }
            else
            {
                // "Start at Exact": every change after that version.
                foreach (var change in store.ChangesAfter(version.Value))
                {
                    watcher.Offer(change);
                }
            }
        }
    }

    private async Task StreamAsync(HttpContext context, KubernetesWatcher watcher, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The clocks start before the headers go out: a client that has the headers may move a fake clock at once.
        using var timedOut = new CancellationTokenSource(timeout, settings.TimeProvider);
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timedOut.Token, watcher.Broken);
        using var bookmarkTimer = watcher.WantsBookmarks
            ? settings.TimeProvider.CreateTimer(_ => OfferBookmark(watcher), null, settings.BookmarkInterval, settings.BookmarkInterval)
            : null;
        await StartStreamAsync(context);
        var body = context.Response.Body;
        try
        {
            while (await watcher.Frames.WaitToReadAsync(ends.Token))
            {
                while (watcher.Frames.TryRead(out var frame))
                {
                    await body.WriteAsync(frame, ends.Token);
                }

                await body.FlushAsync(ends.Token);
            }
        }
        catch (OperationCanceledException) when (ends.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            switch (watcher.BreakMode)
            {
                case KubernetesWatchBreak.Drop:
                    context.Abort();
                    break;
                case KubernetesWatchBreak.Stall:
                    await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);
                    break;
            }

            // Otherwise the timeout ran out or the test ended the stream: return, and the last chunk ends it cleanly.
        }
    }

    private void OfferBookmark(KubernetesWatcher watcher)
    {
        lock (store.Gate)
        {
            watcher.OfferBookmark(store.ResourceVersion);
        }
    }

    private static async Task StartStreamAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-cache, private";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await context.Response.StartAsync(context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private async Task DeleteAsync(HttpContext context, KubernetesResource resource, string ns, string name, CancellationToken cancellationToken)
    {
        // DeleteOptions may carry preconditions: {"preconditions":{"resourceVersion":"..."}}.
        var body = KubernetesPatch.ParseBody(await ReadBodyAsync(context, cancellationToken)) as JsonObject;
        var expected = body?["preconditions"]?["resourceVersion"]?.GetValue<string>();
        JsonObject deleted;
        lock (store.Gate)
        {
            var key = new KubernetesObjectKey(resource, ns, name);
            deleted = context.Request.Query["dryRun"].Count > 0 ? store.Get(key) : store.Delete(key, expected);
        }

        await WriteJsonAsync(
            context, StatusCodes.Status200OK, KubernetesStatus.DeleteSuccess(name, resource.Name, deleted["metadata"]!["uid"]!.GetValue<string>()));
    }

    private KubernetesIdentity? Authenticate(HttpRequest request, ref RequestInfo info)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            info = info with { User = "none" };
            return null;
        }

        var identity = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authenticate(header[7..].Trim()) : null;
        info = info with { User = identity?.User ?? "invalid" };
        return identity;
    }

    private async Task<byte[]> ReadBodyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var limit = settings.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            throw TooLargeBody(limit);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw TooLargeBody(limit);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static async Task WriteDiscoveryAsync(HttpContext context, string discovery)
    {
        var host = $"{context.Request.Host.Host}:{context.Request.Host.Port}";
        switch (discovery)
        {
            case "api":
                await WriteJsonAsync(context, StatusCodes.Status200OK, KubernetesDiscovery.ApiVersions(host));
                break;
            case "api/v1":
                await WriteJsonAsync(context, StatusCodes.Status200OK, KubernetesDiscovery.CoreResources());
                break;
            case "apis":
                await WriteJsonAsync(context, StatusCodes.Status200OK, KubernetesDiscovery.Groups());
                break;
            case "version":
                await WriteJsonAsync(context, StatusCodes.Status200OK, KubernetesDiscovery.Version());
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("ok", context.RequestAborted);
                break;
        }
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, KubernetesObjects.Json);
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private static IEnumerable<(KubernetesObjectKey Key, JsonObject Object)> Ordered(
        Dictionary<KubernetesObjectKey, JsonObject> state, KubernetesResource resource, string? ns) =>
        state
            .Where(pair => pair.Key.Resource == resource && (ns is null || pair.Key.Namespace == ns))
            .OrderBy(pair => pair.Key.Namespace, StringComparer.Ordinal)
            .ThenBy(pair => pair.Key.Name, StringComparer.Ordinal)
            .Select(pair => (pair.Key, pair.Value));

    private static string ContinueToken(long resourceVersion, JsonNode lastItem)
    {
        var metadata = lastItem["metadata"]!;
        var token = new JsonObject
        {
            ["v"] = "meta.k8s.io/v1",
            ["rv"] = resourceVersion,
            ["start"] = $"{metadata["namespace"]!.GetValue<string>()}/{metadata["name"]!.GetValue<string>()}",
        };
        return System.Buffers.Text.Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(token));
    }

    private static (long ResourceVersion, string StartAfter) ParseContinue(string token)
    {
        try
        {
            var parsed = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token))!;
            return (parsed["rv"]!.GetValue<long>(), parsed["start"]!.GetValue<string>());
        }
        catch (Exception error) when (error is FormatException or JsonException or InvalidOperationException or NullReferenceException)
        {
            throw KubernetesErrorException.BadRequest("continue key is not valid: " + error.Message);
        }
    }

    private static long? ParseVersion(StringValues value)
    {
        var text = value.ToString();
        if (text.Length == 0)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw KubernetesErrorException.BadRequest($"resourceVersion: Invalid value: \"{text}\": strconv.ParseUint: parsing \"{text}\": invalid syntax");
        }

        return version;
    }

    private static void RequireJson(string? contentType)
    {
        var mediaType = contentType?.Split(';')[0].Trim();
        if (!string.IsNullOrEmpty(mediaType) && !string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase) && mediaType != "*/*")
        {
            throw new KubernetesErrorException(
                StatusCodes.Status415UnsupportedMediaType,
                "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: application/json");
        }
    }

    private KubernetesErrorException TooLarge(long requested) =>
        new(StatusCodes.Status504GatewayTimeout, "Timeout", $"Too large resource version: {requested}, current: {store.ResourceVersion}");

    private static KubernetesErrorException TooLargeBody(int limit) =>
        new(StatusCodes.Status413RequestEntityTooLarge, "RequestEntityTooLarge", $"Request entity too large: limit is {limit}");

    private static KubernetesErrorException Invalid(string message) => new(StatusCodes.Status422UnprocessableEntity, "Invalid", message);

    private static bool IsTrue(StringValues value) => value.ToString() is "1" or "true" or "True";

    private sealed record RequestInfo(string User = "none", string? Verb = null, string? Resource = null, string? Namespace = null, string? Name = null);
}
