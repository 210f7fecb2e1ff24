using System.Globalization;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;
using SecretRotation.HashiCorpVault;
using SecretRotation.Shared;
using SecretRotation.VaultMirror.Configuration;

namespace SecretRotation.VaultMirror.Mirroring;

/// <summary>
/// Mirrors Key Vault secrets into Vault KV v2. A pass lists the secret properties and reads Vault's metadata of each active secret,
/// then gets from Key Vault only the secrets whose Vault copy does not record that update (<c>custom_metadata.keyvault_updated</c>)
/// or the latest version id (<c>keyvault_version</c>), or whose current Vault version is not the one the mirror wrote
/// (<c>vault_version</c>: a hand edit, which is repaired). Writes use check-and-set on the Vault version read, so a concurrent write
/// is never overwritten. Names outside Key Vault's rule never become Vault paths. Passes and events are serialized.
/// </summary>
/// <param name="options">What to mirror where.</param>
/// <param name="secrets">The Key Vault client.</param>
/// <param name="vaultClient">The Vault client; its token must allow read, create, update and list on the mount's <c>data/</c> and <c>metadata/</c> paths under the prefix (delete too for the Delete policy).</param>
/// <param name="metrics">The meter.</param>
/// <param name="status">Records each pass, for health checks.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logs names, versions and paths, never values.</param>
public sealed class MirrorReconciler(
    MirrorOptions options,
    SecretClient secrets,
    VaultClient vaultClient,
    MirrorMetrics metrics,
    MirrorStatus status,
    TimeProvider time,
    ILogger<MirrorReconciler> logger) : IDisposable
{
    private readonly VaultMirrorTarget vault = new(vaultClient, options);

    /// <summary>
    /// Key Vault's <c>updated</c> has whole seconds: a second change within the same second keeps it. An <c>updated</c> is trusted
    /// as a shortcut (in memory and in <c>custom_metadata</c>) only when the secret was read this long after it, as the Key Vault
    /// source does; otherwise the next pass compares version ids again.
    /// </summary>
    internal static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Name → the listed <c>updated</c> and active state last reconciled, so an unchanged secret costs no call at all.</summary>
    private readonly Dictionary<string, (DateTimeOffset? Updated, bool Active)> _known = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Inactive secrets already warned about, so a kept copy is not reported at every pass.</summary>
    private readonly HashSet<string> _warned = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>One full pass: every secret in scope, then the Vault copies whose Key Vault secret is gone.</summary>
    /// <param name="cancellationToken">Stops the pass.</param>
    public async Task<MirrorPassResult> ReconcileAllAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var started = time.GetTimestamp();
            var outcomes = new List<KeyValuePair<string, MirrorOutcome>>();
            var listingFailed = false;
            List<SecretProperties> listed = [];
            try
            {
                await foreach (var properties in secrets.GetPropertiesOfSecretsAsync(cancellationToken))
                {
                    if (properties.Managed != true && options.IsInScope(properties.Name) && IsMirrorable(properties.Name, "Key Vault listing"))
                    {
                        listed.Add(properties);
                    }
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                MirrorLog.ListFailed(logger, exception, "Key Vault");
                listingFailed = true;
            }

            if (!listingFailed)
            {
                foreach (var properties in listed)
                {
                    outcomes.Add(new(properties.Name, await GuardAsync(properties.Name, () => ReconcileListedAsync(properties, cancellationToken), cancellationToken)));
                }

                var names = listed.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
                IReadOnlyList<string>? mirrored = null;
                try
                {
                    mirrored = await vault.ListAsync(cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    MirrorLog.ListFailed(logger, exception, "Vault");
                    listingFailed = true;
                }

                // A Vault key that is not a Key Vault name was never written by the mirror: it is not the mirror's to reconcile.
                foreach (var gone in (mirrored ?? []).Where(n => !names.Contains(n) && options.IsInScope(n) && KeyVaultSecretName.IsValid(n)))
                {
                    outcomes.Add(new(gone, await GuardAsync(gone, () => HandleInactiveAsync(gone, "deleted", state: null, cancellationToken), cancellationToken)));
                }
            }

            var result = new MirrorPassResult(
                outcomes.Count(o => o.Value == MirrorOutcome.Mirrored),
                outcomes.Count(o => o.Value is MirrorOutcome.Skipped or MirrorOutcome.Inactive),
                outcomes.Count(o => o.Value == MirrorOutcome.Removed),
                outcomes.Count(o => o.Value is MirrorOutcome.Failed or MirrorOutcome.Conflict),
                listingFailed)
            {
                Repaired = outcomes.Count(o => o.Value == MirrorOutcome.Repaired),
                Secrets = outcomes,
            };
            status.Record(result.Succeeded, time.GetUtcNow());
            MirrorLog.PassDone(logger, (long)time.GetElapsedTime(started).TotalMilliseconds, result.Mirrored, result.Repaired, result.Skipped, result.Removed, result.Failed);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Reconciles one secret, as an event asks: nothing is read from Key Vault when Vault already records
    /// <paramref name="versionHint"/>, and nothing is written when Key Vault's latest version is already mirrored (a stale event).
    /// </summary>
    /// <param name="name">The Key Vault secret name.</param>
    /// <param name="versionHint">The version the event names, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    public async Task<MirrorOutcome> ReconcileSecretAsync(string name, string? versionHint, CancellationToken cancellationToken)
    {
        // The events endpoint refuses such names already; refused here too, so no caller can turn a name into another Vault path.
        if (!IsMirrorable(name, "event") || !options.IsInScope(name))
        {
            return MirrorOutcome.Ignored;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await GuardAsync(name, async () =>
            {
                var state = await vault.ReadStateAsync(name, cancellationToken);
                if (versionHint is not null && state.Holds(versionHint))
                {
                    MirrorLog.UpToDate(logger, name, vault.Describe(name), "the event's version is recorded");
                    return MirrorOutcome.Skipped;
                }

                return await MirrorLatestAsync(name, state, cancellationToken);
            }, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private async Task<MirrorOutcome> GuardAsync(string name, Func<Task<MirrorOutcome>> action, CancellationToken cancellationToken)
    {
        MirrorOutcome outcome;
        try
        {
            outcome = await action();
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            MirrorLog.SecretFailed(logger, exception, name);
            outcome = MirrorOutcome.Failed;
        }

        metrics.Count(outcome);
        return outcome;
    }

    private async Task<MirrorOutcome> ReconcileListedAsync(SecretProperties listed, CancellationToken cancellationToken)
    {
        var name = listed.Name;
        var active = IsActive(listed, out var inactiveState);
        if (!active)
        {
            if (_known.TryGetValue(name, out var known) && known.Updated == listed.UpdatedOn && !known.Active)
            {
                return options.DeletePolicy == DeletePolicy.Delete ? MirrorOutcome.Skipped : MirrorOutcome.Inactive;
            }

            var handled = await HandleInactiveAsync(name, inactiveState, state: null, cancellationToken);
            _known[name] = (listed.UpdatedOn, false);
            return handled;
        }

        // Read at every pass even when Key Vault did not change: a hand edit in Vault shows only here (its current version).
        var state = await vault.ReadStateAsync(name, cancellationToken);
        if (state.WasUpdatedAt(listed.UpdatedOn))
        {
            MirrorLog.UpToDate(logger, name, vault.Describe(name), "custom_metadata records this update");
            Remember(name, listed.UpdatedOn, settled: true);
            return MirrorOutcome.Skipped;
        }

        return await MirrorLatestAsync(name, state, cancellationToken);
    }

    private async Task<MirrorOutcome> MirrorLatestAsync(string name, VaultSecretState state, CancellationToken cancellationToken)
    {
        var readAt = time.GetUtcNow();
        KeyVaultSecret secret;
        try
        {
            secret = (await secrets.GetSecretAsync(name, cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return await HandleInactiveAsync(name, "deleted", state, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 403 && KeyVaultErrorBody.InnerErrorCode(exception) == "SecretDisabled")
        {
            // Key Vault refuses to read a disabled secret: that is the disabled policy's case, not a failure to retry.
            return await HandleInactiveAsync(name, "disabled", state, cancellationToken);
        }

        var properties = secret.Properties;
        if (!IsActive(properties, out var inactiveState))
        {
            return await HandleInactiveAsync(name, inactiveState, state, cancellationToken);
        }

        var version = properties.Version;
        var path = vault.Describe(name);
        var settled = properties.UpdatedOn is not { } changed || readAt >= changed + SettleTime;
        if (state.Holds(version))
        {
            // The value is mirrored; only the attributes changed (or the record of the update is missing).
            if (settled && !state.WasUpdatedAt(properties.UpdatedOn))
            {
                await vault.RecordAsync(name, Record(state, properties, settled, state.CurrentVersion), cancellationToken);
                MirrorLog.MetadataOnly(logger, name, version, path);
            }
            else
            {
                MirrorLog.UpToDate(logger, name, path, "Key Vault's latest version is recorded");
            }

            Remember(name, properties.UpdatedOn, settled);
            return MirrorOutcome.Skipped;
        }

        // Key Vault is the source of truth: a version someone else wrote after the mirror's is overwritten (with check-and-set).
        var repair = state.ChangedByOthers;
        long written;
        try
        {
            written = await vault.WriteAsync(name, secret.Value ?? string.Empty, state.CurrentVersion, cancellationToken);
        }
        catch (CasConflictException)
        {
            var now = await vault.ReadStateAsync(name, cancellationToken);
            if (now.Holds(version))
            {
                // Another mirror (a second replica, an overlapping Job) wrote the same version first.
                MirrorLog.UpToDate(logger, name, path, "written concurrently by another mirror");
                Remember(name, properties.UpdatedOn, settled);
                return MirrorOutcome.Skipped;
            }

            MirrorLog.CasConflict(logger, name, path, state.CurrentVersion);
            _known.Remove(name);
            return MirrorOutcome.Conflict;
        }

        // Written first, recorded second: a crash in between costs one identical rewrite (counted as a repair), never a lost version.
        await vault.RecordAsync(name, Record(state, properties, settled, written), cancellationToken);
        Remember(name, properties.UpdatedOn, settled);
        if (repair)
        {
            MirrorLog.Repaired(logger, name, path, state.CurrentVersion, state.MirroredVaultVersion ?? 0, version, written);
            return MirrorOutcome.Repaired;
        }

        MirrorLog.Mirrored(logger, name, version, path, written);
        if (properties.UpdatedOn is { } updated)
        {
            metrics.RecordLag(time.GetUtcNow() - updated);
        }

        return MirrorOutcome.Mirrored;
    }

    private async Task<MirrorOutcome> HandleInactiveAsync(string name, string inactiveState, VaultSecretState? state, CancellationToken cancellationToken)
    {
        var path = vault.Describe(name);
        if (options.DeletePolicy == DeletePolicy.Keep)
        {
            if (_warned.Add(name))
            {
                MirrorLog.InactiveKept(logger, name, inactiveState, path);
            }

            return MirrorOutcome.Inactive;
        }

        state ??= await vault.ReadStateAsync(name, cancellationToken);
        if (!state.Exists || state.CurrentDeleted)
        {
            return MirrorOutcome.Skipped;
        }

        // Only what the mirror wrote is the mirror's to delete: other secrets under the prefix are left alone.
        if (!state.CustomMetadata.TryGetValue(VaultSecretState.MirroredByKey, out var writer) || writer != VaultSecretState.MirroredByValue)
        {
            if (_warned.Add(name))
            {
                MirrorLog.InactiveKept(logger, name, $"{inactiveState}, and not written by the mirror", path);
            }

            return MirrorOutcome.Skipped;
        }

        await vault.SoftDeleteLatestAsync(name, cancellationToken);
        MirrorLog.InactiveDeleted(logger, name, inactiveState, path);
        return MirrorOutcome.Removed;
    }

    private bool IsMirrorable(string name, string source)
    {
        if (KeyVaultSecretName.IsValid(name))
        {
            return true;
        }

        MirrorLog.NameRefused(logger, KeyVaultSecretName.ForLog(name), source);
        return false;
    }

    private bool IsActive(SecretProperties properties, out string inactiveState)
    {
        if (properties.Enabled == false)
        {
            inactiveState = "disabled";
            return false;
        }

        if (properties.ExpiresOn is { } expires && expires <= time.GetUtcNow())
        {
            inactiveState = "expired";
            return false;
        }

        inactiveState = "active";
        return true;
    }

    private void Remember(string name, DateTimeOffset? updated, bool settled)
    {
        _warned.Remove(name);
        if (settled)
        {
            _known[name] = (updated, true);
        }
        else
        {
            _known.Remove(name);
        }
    }

    private static Dictionary<string, string> Record(VaultSecretState state, SecretProperties properties, bool settled, long vaultVersion)
    {
        var record = new Dictionary<string, string>(state.CustomMetadata, StringComparer.Ordinal)
        {
            [VaultSecretState.KeyVaultVersionKey] = properties.Version,
            [VaultSecretState.VaultVersionKey] = vaultVersion.ToString(CultureInfo.InvariantCulture),
            [VaultSecretState.MirroredByKey] = VaultSecretState.MirroredByValue,
        };
        if (settled && properties.UpdatedOn is { } updated)
        {
            record[VaultSecretState.KeyVaultUpdatedKey] = VaultSecretState.FormatUpdated(updated);
        }
        else
        {
            record.Remove(VaultSecretState.KeyVaultUpdatedKey);
        }

        return record;
    }
}
