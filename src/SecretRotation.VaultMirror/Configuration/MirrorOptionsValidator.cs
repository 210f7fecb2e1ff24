using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace SecretRotation.VaultMirror.Configuration;

/// <summary>Checks <see cref="MirrorOptions"/> at start, with one clear message per problem (naming the setting, never a credential).</summary>
public sealed partial class MirrorOptionsValidator : IValidateOptions<MirrorOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MirrorOptions options)
    {
        var problems = Check(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Every problem with <paramref name="options"/>, one message each; empty when they are valid.</summary>
    /// <param name="options">The options to check.</param>
    public static IReadOnlyList<string> Check(MirrorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.KeyVaultUri is not { IsAbsoluteUri: true } kv || kv.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add("Mirror:KeyVaultUri must be set to the vault's https:// URL, e.g. https://myvault.vault.azure.net/.");
        }

        if (options.VaultAddress is not { IsAbsoluteUri: true } vault || (vault.Scheme != Uri.UriSchemeHttp && vault.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add("Mirror:VaultAddress must be set to Vault's http(s):// address, e.g. https://vault.example.com:8200.");
        }

        CheckKeyVault(options.KeyVault, problems);
        CheckVaultCa(options, problems);

        if (string.IsNullOrWhiteSpace(options.VaultMount) || options.NormalizedMount.Length == 0)
        {
            problems.Add("Mirror:VaultMount must name the KV v2 mount, e.g. secret.");
        }

        if (options.VaultPathPrefix.Contains("..", StringComparison.Ordinal) || options.VaultPathPrefix.Contains("//", StringComparison.Ordinal))
        {
            problems.Add("Mirror:VaultPathPrefix must be a plain path such as mirror/ (no '..' or '//').");
        }

        if (string.IsNullOrWhiteSpace(options.ValueField))
        {
            problems.Add("Mirror:ValueField must name the Vault field that holds the value (default 'value').");
        }

        if (options.Prefix is { Length: > 0 } prefix && !SecretName().IsMatch(prefix))
        {
            problems.Add("Mirror:Prefix may only hold the characters of Key Vault secret names (0-9, a-z, A-Z, -).");
        }

        foreach (var secret in options.SecretNames.Where(n => !SecretName().IsMatch(n ?? string.Empty)))
        {
            problems.Add($"Mirror:SecretNames has '{secret}', which is not a Key Vault secret name (1-127 of 0-9, a-z, A-Z, -).");
        }

        if (options.PollInterval < TimeSpan.FromSeconds(5))
        {
            problems.Add("Mirror:PollInterval must be at least 00:00:05.");
        }

        if (options.PollJitter is < 0 or > 0.5 || double.IsNaN(options.PollJitter))
        {
            problems.Add("Mirror:PollJitter must be between 0 and 0.5.");
        }

        if (options.EventKeys.Any(k => string.IsNullOrWhiteSpace(k) || k.Length < 16))
        {
            problems.Add("Mirror:EventKeys entries must be at least 16 characters long.");
        }

        if (!Enum.IsDefined(options.DeletePolicy))
        {
            problems.Add("Mirror:DeletePolicy must be Keep or Delete.");
        }

        var auth = options.Auth;
        switch (auth.Method)
        {
            case VaultAuthKind.Token when string.IsNullOrWhiteSpace(auth.Token):
                problems.Add("Mirror:Auth:Method is Token but Mirror:Auth:Token (or VAULT_TOKEN) is not set.");
                break;
            case VaultAuthKind.TokenFile when string.IsNullOrWhiteSpace(auth.TokenFile):
                problems.Add("Mirror:Auth:Method is TokenFile but Mirror:Auth:TokenFile is not set.");
                break;
            case VaultAuthKind.Kubernetes when string.IsNullOrWhiteSpace(auth.Role):
                problems.Add("Mirror:Auth:Method is Kubernetes but Mirror:Auth:Role (the Vault Kubernetes auth role) is not set.");
                break;
            case VaultAuthKind.AppRole when string.IsNullOrWhiteSpace(auth.RoleId):
                problems.Add("Mirror:Auth:Method is AppRole but Mirror:Auth:RoleId is not set.");
                break;
            case VaultAuthKind.Token or VaultAuthKind.TokenFile or VaultAuthKind.Kubernetes or VaultAuthKind.AppRole:
                break;
            default:
                problems.Add("Mirror:Auth:Method must be Token, TokenFile, Kubernetes or AppRole.");
                break;
        }

        return problems;
    }

    private static void CheckKeyVault(MirrorKeyVaultOptions keyVault, List<string> problems)
    {
        if (keyVault.NormalizedCredential is null)
        {
            problems.Add($"Mirror:KeyVault:Credential must be one of {string.Join(", ", MirrorKeyVaultOptions.CredentialNames)} (got '{keyVault.Credential}').");
        }

        if (keyVault.AuthorityHost is { } authority && (!authority.IsAbsoluteUri || authority.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"Mirror:KeyVault:AuthorityHost must be an https:// URL such as https://login.microsoftonline.us (got '{authority.OriginalString}').");
        }
    }

    private static void CheckVaultCa(MirrorOptions options, List<string> problems)
    {
        if (!string.IsNullOrWhiteSpace(options.VaultCaCertificateFile) && !File.Exists(options.VaultCaCertificateFile))
        {
            problems.Add(Directory.Exists(options.VaultCaCertificateFile)
                ? $"Mirror:VaultCaCertificateFile '{options.VaultCaCertificateFile}' is a directory; set Mirror:VaultCaCertificateDirectory (or VAULT_CAPATH) to a directory of PEM files."
                : $"Mirror:VaultCaCertificateFile '{options.VaultCaCertificateFile}' does not exist.");
        }
        else if (string.IsNullOrWhiteSpace(options.VaultCaCertificateFile)
            && !string.IsNullOrWhiteSpace(options.VaultCaCertificateDirectory) && !Directory.Exists(options.VaultCaCertificateDirectory))
        {
            problems.Add(File.Exists(options.VaultCaCertificateDirectory)
                ? $"Mirror:VaultCaCertificateDirectory '{options.VaultCaCertificateDirectory}' is a file; set Mirror:VaultCaCertificateFile (or VAULT_CACERT) to a PEM file."
                : $"Mirror:VaultCaCertificateDirectory '{options.VaultCaCertificateDirectory}' does not exist.");
        }
    }

    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}$")]
    private static partial Regex SecretName();
}
