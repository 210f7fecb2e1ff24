using System.Text.Json;

namespace SecretRotation.AspNetCore.Events;

/// <summary>
/// The <c>data</c> of a Key Vault secret event, parsed by hand: the published samples carry <c>NBF</c>/<c>EXP</c> as numeric
/// strings, real deliveries as numbers or null, and the SDK's typed model silently fails on the string form.
/// </summary>
internal sealed record KeyVaultEventData(string VaultName, string ObjectName, string? Version, Uri? Id, long? NotBefore, long? Expires)
{
    /// <summary>The vault as the Key Vault source knows it: the host (and port) of <see cref="Id"/>, else the vault name.</summary>
    public string Store => Id is { } id ? (id.IsDefaultPort ? id.Host : id.Authority) : VaultName;

    /// <summary>The longest Key Vault secret name.</summary>
    public const int MaxSecretNameLength = 127;

    private const int MaxVaultNameLength = 253;
    private const int MaxVersionLength = 64;
    private const int MaxIdLength = 2048;

    /// <summary>Key Vault's secret name rule, <c>^[0-9A-Za-z-]{1,127}$</c>.</summary>
    public static bool IsSecretName(string name) =>
        name.Length is > 0 and <= MaxSecretNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>A notice for the secret this event is about, naming <paramref name="version"/>.</summary>
    public SecretChangeNotice ToNotice(string? version) => new(SecretStoreKinds.AzureKeyVault, Store, ObjectName, version);

    public static bool TryParse(BinaryData? data, out KeyVaultEventData? parsed, out string? problem)
    {
        parsed = null;
        if (data is null)
        {
            problem = "event has no data";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(data.ToMemory(), new JsonDocumentOptions { MaxDepth = 32 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "event data is not an object";
                return false;
            }

            var vault = String(root, "VaultName");
            var name = String(root, "ObjectName");
            if (string.IsNullOrWhiteSpace(vault) || string.IsNullOrWhiteSpace(name))
            {
                problem = "event data lacks VaultName or ObjectName";
                return false;
            }

            // Key Vault never sends such a name; a forged one (../team-b/db) must not reach a source or a Vault path. Not echoed.
            if (!IsSecretName(name.Trim()))
            {
                problem = "ObjectName is not a Key Vault secret name";
                return false;
            }

            // Bounded before anything logs them: a vault name is a DNS name (at most 253 characters), a version 32 hex
            // characters (64 alphanumerics allowed). A larger or odd one is refused, not echoed.
            var version = String(root, "Version")?.Trim();
            if (vault.Trim().Length > MaxVaultNameLength
                || (version is not null && (version.Length > MaxVersionLength || !version.All(char.IsAsciiLetterOrDigit))))
            {
                problem = "event data has a VaultName or Version Key Vault never sends";
                return false;
            }

            if (!TryUnixSeconds(root, "NBF", out var nbf) || !TryUnixSeconds(root, "EXP", out var exp))
            {
                problem = "event data has an NBF or EXP that is not a number";
                return false;
            }

            var id = String(root, "Id");
            parsed = new KeyVaultEventData(
                vault.Trim(),
                name.Trim(),
                version,
                id?.Length <= MaxIdLength && Uri.TryCreate(id.Trim(), UriKind.Absolute, out var uri) ? uri : null,
                nbf,
                exp);
            problem = null;
            return true;
        }
        catch (JsonException)
        {
            problem = "event data is not valid JSON";
            return false;
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool TryUnixSeconds(JsonElement root, string name, out long? seconds)
    {
        seconds = null;
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number))
        {
            seconds = (long)number;
            return true;
        }

        if (value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed))
        {
            seconds = (long)parsed;
            return true;
        }

        return false;
    }
}
