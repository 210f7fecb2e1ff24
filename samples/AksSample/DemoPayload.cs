using System.Security.Cryptography;

namespace AksSample;

/// <summary>
/// The made-up secrets the local demo writes: a fixed user, a fresh random password each time, a random API key, a random
/// encryption key, and the shared key of the demo's events endpoint. Every generated value starts with
/// <see cref="ValuePrefix"/>, so a grep of the log or of the responses proves none leaks. (The HashiCorp Vault emulator's
/// dynamic database credentials are its own random values.)
/// </summary>
public static class DemoPayload
{
    public const string User = "demo_app";

    /// <summary>The start of every generated demo secret.</summary>
    public const string ValuePrefix = "demo-secret-";

    private const string PasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    /// <summary>A new volume payload: file name to content, as a Kubernetes Secret's data would be.</summary>
    public static IReadOnlyDictionary<string, string> Create()
    {
        var password = ValuePrefix + RandomNumberGenerator.GetString(PasswordAlphabet, 24);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [nameof(DatabaseOptions.User)] = User,
            [nameof(DatabaseOptions.Password)] = password,
            [nameof(DatabaseOptions.ConnectionString)] =
                $"Server=tcp:orders-db.demo.invalid,1433;Database=orders;User ID={User};Password={password};Encrypt=True",
        };
    }

    /// <summary>A new random API key, for the Key Vault emulator.</summary>
    public static string CreateApiKey() => ValuePrefix + "apikey-" + RandomNumberGenerator.GetHexString(32, lowercase: true);

    /// <summary>
    /// A new random shared key for the app's own events endpoint, as an Event Grid subscription's URL would carry it
    /// (<c>?code=</c>): letters, digits and dashes only, so it needs no escaping.
    /// </summary>
    public static string CreateEventKey() => ValuePrefix + "eventkey-" + RandomNumberGenerator.GetHexString(32, lowercase: true);

    /// <summary>A new random encryption key, for the HashiCorp Vault emulator's KV v2 secret.</summary>
    public static string CreateEncryptionKey() => ValuePrefix + "enckey-" + RandomNumberGenerator.GetHexString(64, lowercase: true);

    /// <summary>A new random signing key for the demo's Kubernetes Secret.</summary>
    public static string CreateSigningKey() => ValuePrefix + "signkey-" + RandomNumberGenerator.GetHexString(32, lowercase: true);
}
