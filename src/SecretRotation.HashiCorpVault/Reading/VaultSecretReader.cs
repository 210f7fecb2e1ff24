using System.Globalization;
using System.Net;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SecretRotation.HashiCorpVault.Auth;
using SecretRotation.HashiCorpVault.Client;
using SecretRotation.Shared;

namespace SecretRotation.HashiCorpVault.Reading;

/// <summary>
/// Reads the mapped Vault paths and keeps them current the way Vault Agent does: KV v2 is polled through its metadata and
/// read only when the version moved; KV v1 is polled, or read again near its <c>ttl</c>; leased secrets are renewed at
/// about two thirds of their lease and read again at 85–95 % of a lease that can no longer be extended. Each path is read
/// only when its own rule says so; the engine's clock is set to the earliest such time.
/// </summary>
internal sealed partial class VaultSecretReader : ISecretSource
{
    private const RefreshTriggers Everything = RefreshTriggers.Initial;
    private const RefreshTriggers Checks = RefreshTriggers.Poll | RefreshTriggers.Manual | RefreshTriggers.Retry | RefreshTriggers.Watcher;

    private readonly VaultHttpClient _client;
    private readonly VaultTokenManager _tokens;
    private readonly IReadOnlyList<VaultSecretMapping> _mappings;
    private readonly TimeProvider _time;
    private Dictionary<VaultSecretMapping, PathState> _states = [];

    /// <summary>Draws where in its window a re-read or lease renewal falls, a number in [0, 1). Tests replace it to know exact times.</summary>
    internal Func<double> Randomizer { get; set; } = SecureRandomizer.Next;

    public VaultSecretReader(VaultHttpClient client, VaultTokenManager tokens, IReadOnlyList<VaultSecretMapping> mappings, TimeProvider time, Uri address)
    {
        _client = client;
        _tokens = tokens;
        _mappings = mappings;
        _time = time;
        Name = $"hashicorpvault:{address.Authority}";
    }

    public string Name { get; }

    public async Task<SecretSet> ReadAsync(SecretReadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await ReadAllAsync(request, cancellationToken);
        }
        catch (VaultApiException exception) when (exception.RetryAfter is { } retryAfter && retryAfter > TimeSpan.Zero)
        {
            // A rate-limit quota's 429 (with enable_rate_limit_response_headers): the engine's next try waits at least this long.
            throw new SecretSourceException(Name, exception.Message, exception) { RetryAfter = retryAfter };
        }
    }

    private async Task<SecretSet> ReadAllAsync(SecretReadRequest request, CancellationToken cancellationToken)
    {

        // Renews the token (or logs in again) when its time has come, even if no path is due.
        _tokens.BeginRead();
        await _tokens.GetTokenAsync(request.Logger, cancellationToken);
        List<(VaultSecretMapping Mapping, Exception Exception)>? failures = null;
        foreach (var mapping in _mappings)
        {
            _states.TryGetValue(mapping, out var state);
            try
            {
                // Kept at once: a later path's failure must not throw away a renewed lease, fresh credentials or a version.
                _states[mapping] = await RefreshAsync(mapping, state, request, cancellationToken);
            }
            catch (Exception exception) when (IsPathFailure(exception))
            {
                // This path only (refused, missing, unreadable): the other paths are still read, and their leases renewed.
                (failures ??= []).Add((mapping, exception));
            }
        }

        if (failures is not null)
        {
            // The read as a whole fails, so the engine keeps the last good data and backs off; the first failure is reported.
            foreach (var (mapping, exception) in failures.Skip(1))
            {
                VaultLog.PathReadFailed(request.Logger, exception, mapping.Path);
            }

            ExceptionDispatchInfo.Throw(failures[0].Exception);
        }

        var entries = new Dictionary<string, SecretEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var mapping in _mappings)
        {
            var state = _states[mapping];
            foreach (var (field, value) in state.Fields)
            {
                var key = string.IsNullOrEmpty(mapping.Section) ? field : ConfigurationPath.Combine(mapping.Section, field);
                entries[key] = new SecretEntry(value, state.Version?.ToString(CultureInfo.InvariantCulture), WallClock(state.NextActionDue));
            }
        }

        return new SecretSet(entries, _tokens.NextActionAt);
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Failures that belong to one path; anything else (sealed, rate limit, network) stops the read at once.</summary>
    private static bool IsPathFailure(Exception exception) => exception switch
    {
        VaultApiException api => api.IsPermissionDenied || api.Status is HttpStatusCode.NotFound or HttpStatusCode.BadRequest,
        VaultProtocolException or FormatException or ArgumentException => true,
        _ => false,
    };

    private async Task<PathState> RefreshAsync(VaultSecretMapping mapping, PathState? state, SecretReadRequest request, CancellationToken cancellationToken)
    {
        var logger = request.Logger;
        state ??= await DetectAsync(mapping, logger, cancellationToken);
        var due = state.NextActionDue is { } at && _time.GetElapsedTime(at) >= TimeSpan.Zero;
        var initial = (request.Triggers & Everything) != 0 || !state.Loaded;
        var check = (request.Triggers & Checks) != 0;

        switch (state.Kind)
        {
            case VaultSecretKind.Auto:
                return await ReadUndecidedAsync(mapping, state, logger, cancellationToken);

            case VaultSecretKind.KvV2:
                // "Metadata denied" holds for the token it was found with: after a new login the metadata is tried again.
                var metadataDenied = state.MetadataDenied && state.TokenGeneration == _tokens.Generation;
                if (initial || (check && metadataDenied))
                {
                    return await ReadKv2Async(mapping, state, logger, cancellationToken);
                }

                return check ? await CheckKv2Async(mapping, state, logger, cancellationToken) : state;

            case VaultSecretKind.KvV1:
                // Without a ttl field a KV v1 secret has nothing but the poll; with one, it is read again near it.
                var asked = (request.Triggers & RefreshTriggers.Manual) != 0;
                return initial || due || asked || (check && state.NextActionDue is null) ? await ReadPlainAsync(mapping, state, logger, cancellationToken) : state;

            default:
                // A manual refresh must not mint new credentials: leased secrets move only on their own clock. Nor does a
                // first read tried again (a required Load that failed on another path): the lease read then is still held.
                if (!state.Loaded)
                {
                    return await ReadPlainAsync(mapping, state, logger, cancellationToken);
                }

                // Leases read under an earlier token die with it: read them again under the new one, as Vault Agent does.
                if (state.LeaseId is not null && state.TokenGeneration != _tokens.Generation)
                {
                    return await ReadPlainAsync(mapping, state, logger, cancellationToken);
                }

                if (!due)
                {
                    return state;
                }

                return state.NextAction == PathAction.RenewLease
                    ? await RenewLeaseAsync(mapping, state, logger, cancellationToken)
                    : await ReadPlainAsync(mapping, state, logger, cancellationToken);
        }
    }

    /// <summary>
    /// Asks Vault which engine serves the path (the Vault CLI does the same), unless the mapping says. When the probe cannot
    /// tell (404 from a proxy or an old Vault, a policy that refuses it, an answer without a type), the kind stays
    /// <see cref="VaultSecretKind.Auto"/> and the path's first read decides.
    /// </summary>
    private async Task<PathState> DetectAsync(VaultSecretMapping mapping, ILogger logger, CancellationToken cancellationToken)
    {
        var path = mapping.Path.Trim('/');
        switch (mapping.Kind)
        {
            case VaultSecretKind.KvV2:
                return Kv2State(FirstSegmentKv2(path) ?? throw new ArgumentException($"The KV v2 path '{mapping.Path}' needs a mount and a secret path, e.g. secret/myapp/db."));
            case VaultSecretKind.KvV1:
            case VaultSecretKind.Leased:
                return new PathState(mapping.Kind, path, null, []);
        }

        VaultResponse mount;
        try
        {
            mount = await WithTokenAsync(path, token => _client.GetMountAsync(path, token, cancellationToken), logger, cancellationToken);
        }
        catch (VaultApiException exception) when (exception.Status == HttpStatusCode.NotFound || exception.IsPermissionDenied)
        {
            // The Vault CLI reads a 404 as "old Vault, KV v1"; a proxy answers 404 too, and dynamic secrets read as KV v1 would
            // never be renewed and mint credentials at every poll. The first read decides instead.
            return new PathState(VaultSecretKind.Auto, path, null, [], UndecidedBecause: $"the mount probe answered {(int)exception.Status}");
        }

        var data = mount.Data;
        var mountPath = data is { } d && d.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : string.Empty;
        var type = data is { } t && t.TryGetProperty("type", out var ty) && ty.ValueKind == JsonValueKind.String ? ty.GetString() : null;
        var version = data is { } o && o.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (string.IsNullOrEmpty(type))
        {
            return new PathState(VaultSecretKind.Auto, path, null, [], UndecidedBecause: "the mount probe named no engine type");
        }

        if (type is "kv" or "generic")
        {
            if (version == "2" && mountPath.Length > 0 && path.StartsWith(mountPath, StringComparison.Ordinal))
            {
                VaultLog.KindDetected(logger, mapping.Path, VaultSecretKind.KvV2, type, mountPath);
                return Kv2State((mountPath, path[mountPath.Length..]));
            }

            VaultLog.KindDetected(logger, mapping.Path, VaultSecretKind.KvV1, type, mountPath);
            return new PathState(VaultSecretKind.KvV1, path, null, []);
        }

        VaultLog.KindDetected(logger, mapping.Path, VaultSecretKind.Leased, type, mountPath);
        return new PathState(VaultSecretKind.Leased, path, null, []);
    }

    /// <summary>The mount (first segment) and secret path of a KV v2 path given without <c>data/</c>; <see langword="null"/> if there is no second segment.</summary>
    private static (string Mount, string SecretPath)? FirstSegmentKv2(string path)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < path.Length - 1 ? (path[..(slash + 1)], path[(slash + 1)..]) : null;
    }

    private static PathState Kv2State((string Mount, string SecretPath) at) =>
        new(VaultSecretKind.KvV2, $"{at.Mount.TrimEnd('/')}/data/{at.SecretPath}", $"{at.Mount.TrimEnd('/')}/metadata/{at.SecretPath}", []);

    /// <summary>
    /// The first read of a path whose kind the mount probe could not tell: the answer decides. A lease (non-empty
    /// <c>lease_id</c>, or renewable with a duration) means a leased secret; <c>data.data</c> beside <c>data.metadata</c> means a
    /// KV v2 <c>data/</c> path; a 404 on a path given without <c>data/</c> is tried as KV v2 under its first segment (a KV v2
    /// mount answers 404 to such a path); anything else is KV v1. The decision and its reason are logged.
    /// </summary>
    private async Task<PathState> ReadUndecidedAsync(VaultSecretMapping mapping, PathState state, ILogger logger, CancellationToken cancellationToken)
    {
        var probe = state.UndecidedBecause ?? "the mount probe could not tell";
        var sentAt = _time.GetTimestamp();
        VaultResponse response;
        try
        {
            response = await WithTokenAsync(state.ReadPath, token => _client.ReadKv2DataAsync(state.ReadPath, token, cancellationToken), logger, cancellationToken);
        }
        catch (VaultApiException exception) when (exception.Status == HttpStatusCode.NotFound && FirstSegmentKv2(state.ReadPath) is { } kv2)
        {
            PathState decided;
            try
            {
                decided = await ReadKv2Async(mapping, Kv2State(kv2), logger, cancellationToken);
            }
            catch (VaultApiException second) when (second.Status == HttpStatusCode.NotFound)
            {
                // Found neither way: report the path as mapped; the next read asks again.
                ExceptionDispatchInfo.Capture(exception).Throw();
                throw;
            }

            VaultLog.KindDecided(logger, mapping.Path, probe, VaultSecretKind.KvV2, "a plain read found nothing, and a KV v2 mount answers 404 to a path without data/");
            return decided;
        }

        var data = response.Data;
        if (response.LeaseId.Length > 0 || (response.Renewable && response.LeaseDuration > 0))
        {
            VaultLog.KindDecided(logger, mapping.Path, probe, VaultSecretKind.Leased, "the answer carries a lease");
            return FromPlainResponse(mapping, state with { Kind = VaultSecretKind.Leased }, response, sentAt, logger);
        }

        var dataSegment = state.ReadPath.IndexOf("/data/", StringComparison.Ordinal);
        if (dataSegment > 0 && data is { } d && d.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && d.TryGetProperty("data", out var inner) && inner.ValueKind is JsonValueKind.Object or JsonValueKind.Null)
        {
            // The path was mapped with its API form, {mount}/data/{path}.
            var metadataPath = $"{state.ReadPath[..dataSegment]}/metadata/{state.ReadPath[(dataSegment + "/data/".Length)..]}";
            VaultLog.KindDecided(logger, mapping.Path, probe, VaultSecretKind.KvV2, "the answer has data.data and data.metadata");
            return FromKv2Response(mapping, state with { Kind = VaultSecretKind.KvV2, MetadataPath = metadataPath }, response, logger);
        }

        if (data is null)
        {
            throw new VaultProtocolException($"Vault's answer for {state.ReadPath} has no data.");
        }

        VaultLog.KindDecided(logger, mapping.Path, probe, VaultSecretKind.KvV1, "the answer carries no lease");
        return FromPlainResponse(mapping, state with { Kind = VaultSecretKind.KvV1 }, response, sentAt, logger);
    }

    private async Task<PathState> CheckKv2Async(VaultSecretMapping mapping, PathState state, ILogger logger, CancellationToken cancellationToken)
    {
        VaultResponse metadata;
        try
        {
            metadata = await WithTokenAsync(state.MetadataPath!, token => _client.ReadAsync(state.MetadataPath!, token, cancellationToken), logger, cancellationToken);
        }
        catch (VaultApiException exception) when (exception.IsPermissionDenied)
        {
            // Refused to a token known to be valid (a dead one was replaced and the call retried): many policies grant read
            // on data/ only. Until the next login, polls read the data instead.
            var read = await ReadKv2Async(mapping, state with { MetadataDenied = true, TokenGeneration = _tokens.Generation }, logger, cancellationToken);
            VaultLog.MetadataDenied(logger, mapping.Path);
            return read;
        }
        catch (VaultApiException exception) when (exception.Status == HttpStatusCode.NotFound && state.Loaded)
        {
            // The whole secret (metadata and all versions) is gone.
            return Gone(mapping, state, version: null, logger);
        }

        var data = metadata.Data;
        var current = data is { } d && d.TryGetProperty("current_version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : (long?)null;
        var gone = current is { } number && data is { } m && IsVersionGone(m, number);
        state = state with { MetadataDenied = false };
        if (current == state.Version && gone == state.VersionGone)
        {
            return state;
        }

        // A soft-deleted (vault kv delete) or destroyed current version keeps current_version: only versions{} says it is gone.
        return gone ? Gone(mapping, state, current, logger) : await ReadKv2Async(mapping, state, logger, cancellationToken);
    }

    /// <summary>
    /// Whether <c>versions[current]</c> in a KV v2 metadata answer says the version is destroyed, or deleted: a non-empty
    /// <c>deletion_time</c> that has passed (<c>delete_version_after</c> sets one in the future, and the version is readable until then).
    /// </summary>
    private bool IsVersionGone(JsonElement metadata, long current)
    {
        if (!metadata.TryGetProperty("versions", out var versions) || versions.ValueKind != JsonValueKind.Object
            || !versions.TryGetProperty(current.ToString(CultureInfo.InvariantCulture), out var version) || version.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (version.TryGetProperty("destroyed", out var destroyed) && destroyed.ValueKind == JsonValueKind.True)
        {
            return true;
        }

        if (!version.TryGetProperty("deletion_time", out var deletion) || deletion.ValueKind != JsonValueKind.String || deletion.GetString() is not { Length: > 0 } text)
        {
            return false;
        }

        // Vault's clock against ours, as Vault itself compares (deletion_time before now). Go writes up to 9 fractional
        // digits, .NET parses 7. A time that does not parse still says the version was deleted.
        var trimmed = FractionBeyondTicks().Replace(text, "$1");
        return !DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var deletedAt) || deletedAt <= _time.GetUtcNow();
    }

    [GeneratedRegex(@"(\.\d{7})\d+")]
    private static partial Regex FractionBeyondTicks();

    private static PathState Gone(VaultSecretMapping mapping, PathState state, long? version, ILogger logger)
    {
        if (state.Fields.Count > 0 || !state.VersionGone)
        {
            VaultLog.Kv2VersionGone(logger, mapping.Path);
        }

        return state with { Fields = [], Version = version, VersionGone = true, Loaded = true };
    }

    private async Task<PathState> ReadKv2Async(VaultSecretMapping mapping, PathState state, ILogger logger, CancellationToken cancellationToken)
    {
        VaultResponse response;
        try
        {
            response = await WithTokenAsync(state.ReadPath, token => _client.ReadKv2DataAsync(state.ReadPath, token, cancellationToken), logger, cancellationToken);
        }
        catch (VaultApiException exception) when (exception.Status == HttpStatusCode.NotFound && state.Loaded)
        {
            return Gone(mapping, state, version: null, logger);
        }

        return FromKv2Response(mapping, state, response, logger);
    }

    private static PathState FromKv2Response(VaultSecretMapping mapping, PathState state, VaultResponse response, ILogger logger)
    {
        var data = response.Data ?? throw new VaultProtocolException($"Vault's answer for {state.ReadPath} has no data.");
        long? version = data.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
        if (!data.TryGetProperty("data", out var fields) || fields.ValueKind != JsonValueKind.Object)
        {
            // Soft-deleted or destroyed: Vault answers 404 with metadata and data.data null.
            return Gone(mapping, state, version, logger);
        }

        VaultLog.SecretRead(logger, mapping.Path, VaultSecretKind.KvV2, $", version {version}");
        return state with { Fields = Flatten(fields, mapping.Path), Version = version, VersionGone = false, Loaded = true };
    }

    /// <summary>A KV v1 or leased read: the envelope's data is the secret; its lease sets the next action.</summary>
    private async Task<PathState> ReadPlainAsync(VaultSecretMapping mapping, PathState state, ILogger logger, CancellationToken cancellationToken)
    {
        var sentAt = _time.GetTimestamp();
        var response = await WithTokenAsync(state.ReadPath, token => _client.ReadAsync(state.ReadPath, token, cancellationToken), logger, cancellationToken);
        return FromPlainResponse(mapping, state, response, sentAt, logger);
    }

    private PathState FromPlainResponse(VaultSecretMapping mapping, PathState state, VaultResponse response, long sentAt, ILogger logger)
    {
        var data = response.Data ?? throw new VaultProtocolException($"Vault's answer for {state.ReadPath} has no data.");
        var fields = Flatten(data, mapping.Path);
        var duration = TimeSpan.FromSeconds(response.LeaseDuration);
        PathState next;
        if (state.Kind == VaultSecretKind.KvV1)
        {
            // lease_duration always has a value for KV v1 (the mount default); only a ttl field makes it meaningful.
            var hasTtl = data.TryGetProperty("ttl", out _) && duration > TimeSpan.Zero;
            next = state with { Loaded = true, TokenGeneration = _tokens.Generation, Fields = fields, NextActionDue = hasTtl ? After(sentAt, duration * Between(0.85, 0.95)) : null, NextAction = hasTtl ? PathAction.Reread : PathAction.Poll };
            VaultLog.SecretRead(logger, mapping.Path, state.Kind, hasTtl ? $", ttl {duration.TotalSeconds} s" : string.Empty);
        }
        else if (response.Renewable && response.LeaseId.Length > 0 && duration > TimeSpan.Zero)
        {
            next = state with { Loaded = true, TokenGeneration = _tokens.Generation, Fields = fields, LeaseId = response.LeaseId, LeaseIncrement = duration, NextActionDue = After(sentAt, duration * Between(0.6, 0.7)), NextAction = PathAction.RenewLease };
            VaultLog.SecretRead(logger, mapping.Path, state.Kind, $", renewable lease of {duration.TotalSeconds} s");
        }
        else if (duration > TimeSpan.Zero)
        {
            next = state with { Loaded = true, TokenGeneration = _tokens.Generation, Fields = fields, LeaseId = response.LeaseId.Length > 0 ? response.LeaseId : null, NextActionDue = After(sentAt, duration * Between(0.85, 0.95)), NextAction = PathAction.Reread };
            VaultLog.SecretRead(logger, mapping.Path, state.Kind, $", lease of {duration.TotalSeconds} s");
        }
        else
        {
            next = state with { Loaded = true, TokenGeneration = _tokens.Generation, Fields = fields, LeaseId = null, NextActionDue = null, NextAction = PathAction.Poll };
            VaultLog.SecretRead(logger, mapping.Path, state.Kind, string.Empty);
        }

        return next;
    }

    private async Task<PathState> RenewLeaseAsync(VaultSecretMapping mapping, PathState state, ILogger logger, CancellationToken cancellationToken)
    {
        var sentAt = _time.GetTimestamp();
        var increment = state.LeaseIncrement ?? TimeSpan.FromHours(1);
        try
        {
            var renewed = await WithTokenAsync(state.ReadPath, token => _client.RenewLeaseAsync(state.LeaseId!, (long)increment.TotalSeconds, token, cancellationToken), logger, cancellationToken);
            var duration = TimeSpan.FromSeconds(renewed.LeaseDuration);
            var exhausted = !renewed.Renewable || duration < increment;
            VaultLog.LeaseRenewed(logger, mapping.Path, duration.TotalSeconds, exhausted);
            return exhausted
                ? state with { NextActionDue = After(sentAt, duration * Between(0.85, 0.95)), NextAction = PathAction.Reread }
                : state with { NextActionDue = After(sentAt, duration * Between(0.6, 0.7)), NextAction = PathAction.RenewLease };
        }
        catch (VaultApiException exception) when (exception.Status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            // The lease is gone (expired, revoked) or may no longer be renewed: new credentials are the only way on.
            VaultLog.LeaseRenewalFailed(logger, exception, mapping.Path);
            return await ReadPlainAsync(mapping, state, logger, cancellationToken);
        }
    }

    /// <summary>
    /// Runs a call with the current token. On a 403 it logs in again (when the method can) and retries once only if the token
    /// itself is dead: expired by its TTL, or refused by lookup-self. A 403 to a valid token is the policy denying this path:
    /// it fails this path alone, and a new login would only make every lease be read (minted) again.
    /// </summary>
    private async Task<VaultResponse> WithTokenAsync(string path, Func<string, Task<VaultResponse>> call, ILogger logger, CancellationToken cancellationToken)
    {
        var token = await _tokens.GetTokenAsync(logger, cancellationToken);
        try
        {
            return await call(token);
        }
        catch (VaultApiException exception) when (exception.IsPermissionDenied)
        {
            if (!await _tokens.IsDeadAsync(logger, cancellationToken))
            {
                throw;
            }

            VaultLog.PermissionDeniedRetrying(logger, path);
            if (!await _tokens.TryReplaceDeadTokenAsync(logger, cancellationToken))
            {
                throw;
            }

            return await call(await _tokens.GetTokenAsync(logger, cancellationToken));
        }
    }

    private static IReadOnlyList<KeyValuePair<string, string>> Flatten(JsonElement data, string path) =>
        JsonSecretsParser.Parse(Encoding.UTF8.GetBytes(data.GetRawText()), $"Vault path '{path}'");

    /// <summary>The timestamp <paramref name="delay"/> after <paramref name="start"/> (capped at a year, far beyond any lease).</summary>
    private long After(long start, TimeSpan delay) =>
        start + (long)(Math.Clamp(delay.TotalSeconds, 0, TimeSpan.FromDays(365).TotalSeconds) * _time.TimestampFrequency);

    /// <summary>A monotonic due time as a wall-clock time, for the engine's refresh-by.</summary>
    private DateTimeOffset? WallClock(long? due) => due is { } at ? _time.GetUtcNow() - _time.GetElapsedTime(at) : null;

    private double Between(double low, double high) => low + (Randomizer() * (high - low));
}
