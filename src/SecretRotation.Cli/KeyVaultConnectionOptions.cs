using System.CommandLine;

namespace SecretRotation.Cli;

/// <summary>The Key Vault connection options every command that reads or writes Key Vault takes: see <see cref="KeyVaultConnection"/>.</summary>
internal sealed class KeyVaultConnectionOptions
{
    private readonly Option<string> _credential = new("--credential")
    {
        Description = "Azure Key Vault: the credential: default (DefaultAzureCredential), workload-identity, managed-identity "
            + "(user-assigned with AZURE_CLIENT_ID), azure-cli, or environment (AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or a certificate).",
        HelpName = "kind",
        DefaultValueFactory = _ => KeyVaultConnection.DefaultCredential,
    };

    private readonly Option<string> _authorityHost = new("--authority-host")
    {
        Description = "Azure Key Vault: the Microsoft Entra authority for a sovereign cloud, e.g. https://login.microsoftonline.us "
            + "(Azure Government) or https://login.chinacloudapi.cn [default: AZURE_AUTHORITY_HOST, else the public cloud].",
        HelpName = "url",
    };

    private readonly Option<bool> _disableChallengeResourceVerification = new("--disable-challenge-resource-verification")
    {
        Description = "Azure Key Vault: accept a token challenge whose resource does not match the vault's host. For emulators only; "
            + "never against a real vault.",
    };

    public KeyVaultConnectionOptions()
    {
        _credential.AcceptOnlyFromAmong(KeyVaultConnection.CredentialNames);
    }

    /// <summary>Adds the three options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_credential);
        command.Options.Add(_authorityHost);
        command.Options.Add(_disableChallengeResourceVerification);
    }

    /// <summary>Whether any of the options was given on the command line.</summary>
    public bool AnyGiven(ParseResult parseResult) =>
        parseResult.GetResult(_credential) is { Implicit: false }
        || parseResult.GetResult(_authorityHost) is { Implicit: false }
        || parseResult.GetResult(_disableChallengeResourceVerification) is { Implicit: false };

    /// <exception cref="UsageException">The authority host is not an absolute https:// URL.</exception>
    public KeyVaultConnection Read(ParseResult parseResult)
    {
        var authority = parseResult.GetValue(_authorityHost);
        Uri? authorityHost = null;
        if (!string.IsNullOrWhiteSpace(authority)
            && (!Uri.TryCreate(authority.Trim(), UriKind.Absolute, out authorityHost) || authorityHost.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--authority-host '{authority}' is not an https:// URL such as https://login.microsoftonline.us.");
        }

        return new KeyVaultConnection(
            parseResult.GetValue(_credential) ?? KeyVaultConnection.DefaultCredential,
            authorityHost,
            parseResult.GetValue(_disableChallengeResourceVerification));
    }
}
