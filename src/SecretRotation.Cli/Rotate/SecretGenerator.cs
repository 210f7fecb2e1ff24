using System.Security.Cryptography;

namespace SecretRotation.Cli.Rotate;

/// <summary>Generates secret values: each character drawn uniformly and independently with <see cref="RandomNumberGenerator"/>.</summary>
internal static class SecretGenerator
{
    /// <summary>The default <c>--length</c>.</summary>
    public const int DefaultLength = 32;

    /// <summary>The shortest value <c>--length</c> accepts.</summary>
    public const int MinimumLength = 8;

    /// <summary>The longest value <c>--length</c> accepts (Key Vault takes up to 25 KB per value).</summary>
    public const int MaximumLength = 4096;

    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string Digits = "0123456789";

    // No quotes, backslash, space, '$', '&', ';', ',', '|', '/' or brackets: they break shells, connection strings and YAML.
    private const string Symbols = "!#%*+-.:=?@^_~";

    /// <summary>The option values of <c>--alphabet</c>, in the order shown by <c>--help</c>.</summary>
    public static readonly IReadOnlyList<string> AlphabetNames = ["alnum", "alnum-symbols", "hex", "base64url"];

    public static SecretAlphabet ParseAlphabet(string name) => name switch
    {
        "alnum" => SecretAlphabet.Alnum,
        "alnum-symbols" => SecretAlphabet.AlnumSymbols,
        "hex" => SecretAlphabet.Hex,
        "base64url" => SecretAlphabet.Base64Url,
        _ => throw new UsageException($"Unknown alphabet '{name}': use one of {string.Join(", ", AlphabetNames)}."),
    };

    /// <summary>The characters of <paramref name="alphabet"/>.</summary>
    public static string Characters(SecretAlphabet alphabet) => alphabet switch
    {
        SecretAlphabet.Alnum => Upper + Lower + Digits,
        SecretAlphabet.AlnumSymbols => Upper + Lower + Digits + Symbols,
        SecretAlphabet.Hex => "0123456789abcdef",
        SecretAlphabet.Base64Url => Upper + Lower + Digits + "-_",
        _ => throw new ArgumentOutOfRangeException(nameof(alphabet), alphabet, null),
    };

    /// <summary>A new value of <paramref name="length"/> characters of <paramref name="alphabet"/>, without modulo bias.</summary>
    public static string Generate(int length, SecretAlphabet alphabet)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        return RandomNumberGenerator.GetString(Characters(alphabet), length);
    }
}
