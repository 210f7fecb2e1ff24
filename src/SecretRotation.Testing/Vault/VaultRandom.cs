using System.Security.Cryptography;

namespace SecretRotation.Testing;

/// <summary>Random identifiers in Vault's shapes: base62 (tokens, accessors, lease suffixes), UUIDs, mount accessors.</summary>
internal static class VaultRandom
{
    private const string Base62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary><c>TokenLength</c> in Vault's token store and expiration manager.</summary>
    public const int TokenLength = 24;

    /// <summary><c>base62.Random(length)</c>.</summary>
    public static string Base62String(int length) => RandomNumberGenerator.GetString(Base62, length);

    /// <summary>A service token: <c>hvs.</c> followed by base62.</summary>
    public static string ServiceToken() => "hvs." + Base62String(TokenLength);

    /// <summary><c>uuid.GenerateUUID()</c>: 8-4-4-4-12 lowercase hex.</summary>
    public static string Uuid() => Guid.NewGuid().ToString("D");

    /// <summary>A mount accessor such as <c>kv_1a2b3c4d</c> or <c>auth_kubernetes_1a2b3c4d</c>.</summary>
    public static string MountAccessor(string prefix) => prefix + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>The <c>random N</c> template function of database username templates: <c>[A-Za-z0-9]</c>.</summary>
    public static string AlphanumericString(int length) => RandomNumberGenerator.GetString(Alphanumeric, length);

    /// <summary>
    /// A password from Vault's default database password policy: 20 characters of <c>[a-zA-Z0-9-]</c> with at least one lowercase
    /// letter, one uppercase letter, one digit and one dash.
    /// </summary>
    public static string DatabasePassword()
    {
        const string lower = "abcdefghijklmnopqrstuvwxyz";
        const string upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        const string digits = "0123456789";
        var characters = new char[20];
        characters[0] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        characters[1] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        characters[2] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        characters[3] = '-';
        RandomNumberGenerator.GetItems<char>(lower + upper + digits + "-", characters.AsSpan(4));
        RandomNumberGenerator.Shuffle(characters.AsSpan());
        return new string(characters);
    }
}
