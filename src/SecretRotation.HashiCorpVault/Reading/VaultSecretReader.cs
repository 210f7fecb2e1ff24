using System.Net;
using System.Text;
using System.Text.Json;
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
internal sealed class VaultSecretReader : ISecretSource
{
    private const RefreshTriggers Everything = RefreshTriggers.Initial;
    private const RefreshTriggers Checks = RefreshTriggers.Poll | RefreshTriggers.Manual | RefreshTriggers.Retry | RefreshTriggers.Watcher;

    private readonly VaultHttpClient _client;
    private readonly VaultTokenManager _tokens;
    private readonly IReadOnlyList<VaultSecretMapping> _mappings;
    private readonly TimeProvider _time;
    private Dictionary<VaultSecretMapping, PathState> _states = [];

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

        // Renews the token (or logs in again) when its time has come, even if no path is due.
        await _tokens.GetTokenAsync(request.Logger, cancellationToken);
        var next = new Dictionary<VaultSecretMapping, PathState>();
        foreach (var mapping in _mappings)
        {
            _states.TryGetValue(mapping, out var state);
            next[mapping] = await RefreshAsync(mapping, state, request, cancellationToken);
        }

        _states = next;
        var entries = new Dictionary<string, SecretEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var (mapping, state) in next)
        {
            foreach (var (field, value) in state.Fields)
            {
                var key = string.IsNullOrEmpty(mapping.Section) ? field : ConfigurationPath.Combine(mapping.Section, field);
                entries[key] = new SecretEntry(value, state.Version?.ToString(System.Globalization.CultureInfo.InvariantCulture), state.NextActionAt);
            }
        }

        return new SecretSet(entries, _tokens.NextActionAt);
    }

    public void Dispose() => _client.Dispose();

    private async Task<PathState> RefreshAsync(VaultSecretMapping mapping, PathState? state, SecretReadRequest request, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var logger = request.Logger;
        state ??= await DetectAsync(mapping, logger, cancellationToken);
        var due = state.NextActionAt is { } at && at <= now;
        var initial = (request.Triggers & Everything) != 0 || !state.Loaded;
        var check = (request.Triggers & Checks) != 0;

        switch (state.Kind)
        {
            case VaultSecretKind.KvV2:
                if (initial || (check && state.MetadataDenied))
                {
                    return await ReadKv2Async(mapping, state, logger, cancellationToken);
                }

                return check ? await CheckKv2Async(mapping, state, logger, cancellationToken) : state;

            case VaultSecretKind.KvV1:
                // Without a ttl field a KV v1 secret has nothing but the poll; with one, it is read again near it.
                var asked = (request.Triggers & RefreshTriggers.Manual) != 0;
                return initial || due || asked || (check && state.NextActionAt is null) ? await ReadPlainAsync(mapping, state, logger, cancellationToken) : state;

            default:
                // A manual refresh must not mint new credentials: leased secrets move only on their own clock.
                if (initial)
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

    /// <summary>Asks Vault which engine serves the path (the Vault CLI does the same), unless the mapping says.</summary>
    private async Task<PathState> DetectAsync(VaultSecretMapping mapping, ILogger logger, CancellationToken cancellationToken)
    {
        var path = mapping.Path.Trim('/');
        switch (mapping.Kind)
        {
            case VaultSecretKind.KvV2:
                var slash = path.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0)
                {
                    throw new ArgumentException($"The KV v2 path '{mapping.Path}' needs a mount and a secret path, e.g. secret/myapp/db.");
                }

                return Kv2State(path[..(slash + 1)], path[(slash + 1)..]);
            case VaultSecretKind.KvV1:
            case VaultSecretKind.Leased:
                return new PathState(mapping.Kind, path, null, []);
        }

        try
        {
            var mount = await WithTokenAsync(path, token => _client.GetMountAsync(path, token, cancellationToken), logger, cancellationToken, logInAgainOnDenial: false);
            var data = mount.Data;
            var mountPath = data is { } d && d.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : string.Empty;
            var type = data is { } t && t.TryGetProperty("type", out var ty) && ty.ValueKind == JsonValueKind.String ? ty.GetString() : null;
            var version = data is { } o && o.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object
                && options.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (type is "kv" or "generic")
            {
                return version == "2" && path.StartsWith(mountPath, StringComparison.Ordinal) && mountPath.Length > 0
                    ? Kv2State(mountPath, path[mountPath.Length..])
                    : new PathState(VaultSecretKind.KvV1, path, null, []);
            }

            return new PathState(VaultSecretKind.Leased, path, null, []);
        }
        catch (VaultApiException exception) when (exception.Status == HttpStatusCode.NotFound)
        {
            // As the Vault CLI reads it: no such endpoint means an old Vault, whose KV is version 1.
            return new PathState(VaultSecretKind.KvV1, path, null, []);
        }
        catch (VaultApiException exception) when (exception.IsPermissionDenied)
        {
            // No capability on the mounts endpoint: read the path as given, which suits KV v1 and dynamic secrets.
            return new PathState(VaultSecretKind.Leased, path, null, []);
        }
    }

    private static PathState Kv2State(string mount, string secretPath) =>
        new(VaultSecretKind.KvV2, $"{mount.TrimEnd('/')}/data/{secretPath}", $"{mount.TrimEnd('/')}/metadata/{secretPath}", []);

    private async Task<PathState> CheckKv2Async(VaultSecretMapping mapping, PathState state, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            var metadata = await WithTokenAsync(state.MetadataPath!, token => _client.ReadAsync(state.MetadataPath!, token, cancellationToken), logger, cancellationToken, logInAgainOnDenial: false);
            var current = metadata.Data is { } d && d.TryGetProperty("current_version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : (long?)null;
            return current == state.Version ? state : await ReadKv2Async(mapping, state, logger, cancellationToken);
        }
        catch (VaultApiException exception) when (exception.IsPermissionDenied)
        {
            // Many policies grant read on data/ only. Then every poll reads the data instead.
            VaultLog.MetadataDenied(logger, mapping.Path);
            return await ReadKv2Async(mapping, state with { MetadataDenied = true }, logger, cancellationToken);
        }
        catch (VaultApiException exception) when (exception.Status == HttpStatusCode.NotFound && state.Fields.Count > 0)
        {
            VaultLog.Kv2VersionGone(logger, mapping.Path);
            return state with { Fields = [], Version = null, Loaded = true };
        }
    }

    private async Task<PathState> ReadKv2Async(VaultSecretMapping mapping, PathState state, ILogger logger, CancellationToken cancellationToken)
    {
        VaultResponse response;
        try
        {
            response = await WithTokenAsync(state.ReadPath, token => _client.ReadKv2DataAsync(state.ReadPath, token, cancellationToken), logger, cancellationToken);
        }
        catch (VaultApiException exception) when (exception.Status == HttpStatusCode.NotFound && state.Fields.Count > 0)
        {
            VaultLog.Kv2VersionGone(logger, mapping.Path);
            return state with { Fields = [], Version = null, Loaded = true };
        }

        var data = response.Data ?? throw new VaultProtocolException($"Vault's answer for {state.ReadPath} has no data.");
        long? version = data.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
        if (!data.TryGetProperty("data", out var fields) || fields.ValueKind != JsonValueKind.Object)
        {
            // Soft-deleted or destroyed: Vault answers 404 with metadata and data.data null.
            VaultLog.Kv2VersionGone(logger, mapping.Path);
            return state with { Fields = [], Version = version, Loaded = true };
        }

        VaultLog.SecretRead(logger, mapping.Path, VaultSecretKind.KvV2, $", version {version}");
        return state with { Fields = Flatten(fields, mapping.Path), Version = version, Loaded = true };
    }

    /// <summary>A KV v1 or leased read: the envelope's data is the secret; its lease sets the next action.</summary>
    private async Task<PathState> ReadPlainAsync(VaultSecretMapping mapping, PathState state, ILogger logger, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var response = await WithTokenAsync(state.ReadPath, token => _client.ReadAsync(state.ReadPath, token, cancellationToken), logger, cancellationToken);
        var data = response.Data ?? throw new VaultProtocolException($"Vault's answer for {state.ReadPath} has no data.");
        var fields = Flatten(data, mapping.Path);
        var duration = TimeSpan.FromSeconds(response.LeaseDuration);
        PathState next;
        if (state.Kind == VaultSecretKind.KvV1)
        {
            // lease_duration always has a value for KV v1 (the mount default); only a ttl field makes it meaningful.
            var hasTtl = data.TryGetProperty("ttl", out _) && duration > TimeSpan.Zero;
            next = state with { Loaded = true, TokenGeneration = _tokens.Generation, Fields = fields, NextActionAt = hasTtl ? now + (duration * Between(0.85, 0.95)) : null, NextAction = hasTtl ? PathAction.Reread : PathAction.Poll };
            VaultLog.SecretRead(logger, mapping.Path, state.Kind, hasTtl ? $", ttl {duration.TotalSeconds} s" : string.Empty);
        }
        else if (response.Renewable && response.LeaseId.Length > 0 && duration > TimeSpan.Zero)
        {
            next = state with { Loaded = true, TokenGeneration = _tokens.Generation, Fields = fields, LeaseId = response.LeaseId, LeaseIncrement = duration, NextActionAt = now + (duration * Between(0.6, 0.7)), NextAction = PathAction.RenewLease };
            VaultLog.SecretRead(logger, mapping.Path, state.Kind, $", renewable lease of {duration.TotalSeconds} s");
        }
        else if (duration > TimeSpan.Zero)
        {
            next = state with { Loaded = true, TokenGeneration = _tokens.Generation, Fields = fields, LeaseId = response.LeaseId, NextActionAt = now + (duration * Between(0.85, 0.95)), NextAction = PathAction.Reread };
            VaultLog.SecretRead(logger, mapping.Path, state.Kind, $", lease of {duration.TotalSeconds} s");
        }
        else
        {
            next = state with { Loaded = true, TokenGeneration = _tokens.Generation, Fields = fields, LeaseId = null, NextActionAt = null, NextAction = PathAction.Poll };
            VaultLog.SecretRead(logger, mapping.Path, state.Kind, string.Empty);
        }

        return next;
    }

    private async Task<PathState> RenewLeaseAsync(VaultSecretMapping mapping, PathState state, ILogger logger, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var increment = state.LeaseIncrement ?? TimeSpan.FromHours(1);
        try
        {
            var renewed = await WithTokenAsync(state.ReadPath, token => _client.RenewLeaseAsync(state.LeaseId!, (long)increment.TotalSeconds, token, cancellationToken), logger, cancellationToken);
            var duration = TimeSpan.FromSeconds(renewed.LeaseDuration);
            var exhausted = !renewed.Renewable || duration < increment;
            VaultLog.LeaseRenewed(logger, mapping.Path, duration.TotalSeconds, exhausted);
            return exhausted
                ? state with { NextActionAt = now + (duration * Between(0.85, 0.95)), NextAction = PathAction.Reread }
                : state with { NextActionAt = now + (duration * Between(0.6, 0.7)), NextAction = PathAction.RenewLease };
        }
        catch (VaultApiException exception) when (exception.Status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            // The lease is gone (expired, revoked) or may no longer be renewed: new credentials are the only way on.
            VaultLog.LeaseRenewalFailed(logger, exception, mapping.Path);
            return await ReadPlainAsync(mapping, state, logger, cancellationToken);
        }
    }

    /// <summary>Runs a call with the current token; on a 403, logs in again once (when the method can) and retries.</summary>
    /// <remarks>
    /// Probes that a policy may legitimately refuse (mount detection, KV v2 metadata) pass <paramref name="logInAgainOnDenial"/>
    /// false: a new login would re-read every lease and mint new credentials for nothing.
    /// </remarks>
    private async Task<VaultResponse> WithTokenAsync(string path, Func<string, Task<VaultResponse>> call, ILogger logger, CancellationToken cancellationToken, bool logInAgainOnDenial = true)
    {
        var token = await _tokens.GetTokenAsync(logger, cancellationToken);
        try
        {
            return await call(token);
        }
        catch (VaultApiException exception) when (exception.IsPermissionDenied && logInAgainOnDenial)
        {
            VaultLog.PermissionDeniedRetrying(logger, path);
            if (!await _tokens.TryLogInAgainAsync(logger, cancellationToken))
            {
                throw;
            }

            return await call(await _tokens.GetTokenAsync(logger, cancellationToken));
        }
    }

    private static IReadOnlyList<KeyValuePair<string, string>> Flatten(JsonElement data, string path) =>
        JsonSecretsParser.Parse(Encoding.UTF8.GetBytes(data.GetRawText()), $"Vault path '{path}'");

    private static double Between(double low, double high) => low + (Random.Shared.NextDouble() * (high - low));
}
