using System.Globalization;
using System.Net;
using System.Text.Json;
using SecretRotation.HashiCorpVault;

namespace SecretRotation.Cli.Rotate;

/// <summary>
/// Writes a new version of one field of a Vault KV v2 secret: reads the current version's data, replaces the field, and writes
/// it back with check-and-set on the version read, so the other fields are kept and a concurrent write is never overwritten.
/// Needs <c>read</c> and <c>update</c> (<c>create</c> for a new secret) on <c>{mount}/data/{path}</c>.
/// </summary>
internal sealed class VaultKvRotator(VaultClient client, Uri address)
{
    public async Task<RotationResult> RotateAsync(string path, string field, string value, CancellationToken cancellationToken)
    {
        var (mount, secretPath) = await FindKv2MountAsync(path, cancellationToken);

        var (version, data) = await ReadCurrentAsync(path, mount, secretPath, cancellationToken);
        var otherFields = data.Keys.Count(key => key != field);
        var isNewField = !data.ContainsKey(field);
        data[field] = JsonSerializer.SerializeToElement(value);

        long written;
        try
        {
            written = await client.WriteKv2Async(mount, secretPath, data, version, cancellationToken);
        }
        catch (VaultApiException exception) when (exception.IsCheckAndSetConflict)
        {
            throw new CommandFailedException(
                version == 0
                    ? $"'{path}' was created by someone else while rotating; nothing was written. Run the command again."
                    : $"'{path}' changed while rotating (version {version} is no longer the current one); nothing was written. Run the command again.",
                exception);
        }
        catch (VaultApiException exception)
        {
            throw new CommandFailedException(Describe(exception, version == 0 ? "create" : "update", $"writing '{path}'"), exception);
        }

        catch (VaultProtocolException exception)
        {
            throw new CommandFailedException($"Vault's answer to writing '{path}' has no version; check the secret with 'vault kv get {path}'.", exception);
        }

        var newVersion = written.ToString(CultureInfo.InvariantCulture);
        var detail = version == 0
            ? "new secret (check-and-set 0)"
            : $"check-and-set on version {version}; {otherFields} other field(s) kept{(isNewField ? $"; '{field}' is a new field" : string.Empty)}";
        return new RotationResult($"{path} field '{field}' at {address}", newVersion, Fingerprint.Of(value), detail);
    }

    /// <summary>The KV v2 mount that holds <paramref name="path"/>, asked of Vault as its CLI does; the first segment when the token may not ask.</summary>
    private async Task<(string Mount, string SecretPath)> FindKv2MountAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var mount = await client.GetMountAsync(path, cancellationToken);
            var mountPath = mount.Path;
            if (mount.Type is not ("kv" or "generic"))
            {
                throw new CommandFailedException($"'{path}' is on a '{(mount.Type.Length == 0 ? "unknown" : mount.Type)}' mount, not a KV v2 secrets engine; rotate writes KV v2 secrets only.");
            }

            if (!mount.IsKvV2)
            {
                throw new CommandFailedException($"'{path}' is on a KV version 1 mount, which has no versions or check-and-set; rotate writes KV v2 secrets only.");
            }

            if (mountPath.Length == 0 || !path.StartsWith(mountPath, StringComparison.Ordinal) || path.Length == mountPath.Length)
            {
                throw new CommandFailedException($"'{path}' names the mount '{mountPath}' itself, not a secret in it.");
            }

            return (mountPath.TrimEnd('/'), path[mountPath.Length..]);
        }
        catch (VaultApiException exception) when (exception.IsPermissionDenied)
        {
            // No capability on sys/internal/ui/mounts: take the first segment as the mount, as the library does.
            var slash = path.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0)
            {
                throw new CommandFailedException($"'{path}' names a mount, not a secret in it.", exception);
            }

            return (path[..slash], path[(slash + 1)..]);
        }
        catch (VaultApiException exception) when (exception.Status == HttpStatusCode.NotFound)
        {
            throw new CommandFailedException(
                $"Vault has no mount information for '{path}' (404 from sys/internal/ui/mounts: an old Vault, whose KV is version 1); rotate writes KV v2 secrets only.",
                exception);
        }
        catch (VaultApiException exception)
        {
            throw new CommandFailedException(exception.Message, exception);
        }
    }

    /// <summary>The current version and its data; version 0 and no data when the secret does not exist yet.</summary>
    private async Task<(long Version, Dictionary<string, JsonElement> Data)> ReadCurrentAsync(string path, string mount, string secretPath, CancellationToken cancellationToken)
    {
        VaultKvSecret? current;
        try
        {
            current = await client.ReadKv2Async(mount, secretPath, cancellationToken);
        }
        catch (VaultApiException exception)
        {
            throw new CommandFailedException(Describe(exception, "read", $"reading '{path}'"), exception);
        }
        catch (VaultProtocolException exception)
        {
            throw new CommandFailedException($"Vault's answer to reading '{path}' has no data.", exception);
        }

        if (current is null)
        {
            return (0, new Dictionary<string, JsonElement>(StringComparer.Ordinal));
        }

        var version = current.Version > 0
            ? current.Version
            : throw new CommandFailedException($"Vault's answer to reading '{path}' has no version; is it a KV v2 secret?");
        if (current.IsDeleted)
        {
            throw new CommandFailedException(
                $"The current version ({version}) of '{path}' is deleted or destroyed, so its other fields are unknown; undelete it (vault kv undelete -versions={version} {path}) or write the secret first.");
        }

        return (version, new Dictionary<string, JsonElement>(current.Data, StringComparer.Ordinal));
    }

    private static string Describe(VaultApiException exception, string capability, string doing)
    {
        if (exception.Status != HttpStatusCode.Forbidden)
        {
            return exception.Message;
        }

        var errors = exception.Errors.Count == 0 ? "permission denied" : string.Join("; ", exception.Errors.Select(e => e.ReplaceLineEndings(" ").Trim()));
        return $"Vault denied {doing} (403 to {exception.Method} {exception.Path}: {errors}): the token needs the '{capability}' capability on '{exception.Path}', or it has expired.";
    }
}
