using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretRotation.Cli;

/// <summary>
/// The CA certificates to trust for Vault's TLS certificate, as the Vault CLI takes them: <c>--vault-ca-cert</c> (else
/// <c>VAULT_CACERT</c>), a PEM file, wins over <c>--vault-ca-path</c> (else <c>VAULT_CAPATH</c>), a directory of PEM files.
/// Without either, the system store is trusted.
/// </summary>
internal sealed class VaultCaOptions
{
    private readonly Option<string> _caCert = new("--vault-ca-cert")
    {
        Description = "HashiCorp Vault: a PEM file of CA certificates to trust instead of the system store [default: VAULT_CACERT].",
        HelpName = "file",
    };

    private readonly Option<string> _caPath = new("--vault-ca-path")
    {
        Description = "HashiCorp Vault: a directory of PEM files of CA certificates to trust [default: VAULT_CAPATH]; --vault-ca-cert wins.",
        HelpName = "directory",
    };

    /// <summary>Adds the two options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_caCert);
        command.Options.Add(_caPath);
    }

    /// <summary>Whether either option was given on the command line (the variables do not count).</summary>
    public bool AnyGiven(ParseResult parseResult) => parseResult.GetResult(_caCert) is { Implicit: false } || parseResult.GetResult(_caPath) is { Implicit: false };

    /// <summary>The certificates to trust, or <see langword="null"/> for the system store.</summary>
    /// <exception cref="UsageException">The file or directory cannot be read or holds no PEM certificate.</exception>
    public X509Certificate2Collection? Load(ParseResult parseResult, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (caCert, caCertName) = Choose(parseResult.GetValue(_caCert), "--vault-ca-cert", context.GetEnvironmentVariable("VAULT_CACERT"), "VAULT_CACERT");
        if (caCert is not null)
        {
            return LoadFile(caCert, caCertName);
        }

        var (caPath, caPathName) = Choose(parseResult.GetValue(_caPath), "--vault-ca-path", context.GetEnvironmentVariable("VAULT_CAPATH"), "VAULT_CAPATH");
        return caPath is null ? null : LoadDirectory(caPath, caPathName);
    }

    private static (string? Value, string Name) Choose(string? option, string optionName, string? variable, string variableName) =>
        !string.IsNullOrWhiteSpace(option) ? (option.Trim(), optionName)
        : !string.IsNullOrWhiteSpace(variable) ? (variable.Trim(), variableName)
        : (null, optionName);

    private static X509Certificate2Collection LoadFile(string file, string name)
    {
        if (!File.Exists(file))
        {
            throw new UsageException(Directory.Exists(file)
                ? $"{name} '{file}' is a directory; pass a directory of PEM files as --vault-ca-path or VAULT_CAPATH."
                : $"{name} '{file}' does not exist.");
        }

        var certificates = new X509Certificate2Collection();
        Import(certificates, file, name);
        return certificates;
    }

    private static X509Certificate2Collection LoadDirectory(string directory, string name)
    {
        if (!Directory.Exists(directory))
        {
            throw new UsageException(File.Exists(directory)
                ? $"{name} '{directory}' is a file; pass a PEM file as --vault-ca-cert or VAULT_CACERT."
                : $"{name} '{directory}' does not exist.");
        }

        // As the Vault CLI does: every file of the directory (c_rehash links included) is a PEM file of certificates.
        var certificates = new X509Certificate2Collection();
        foreach (var file in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            Import(certificates, file, name);
        }

        return certificates.Count > 0 ? certificates : throw new UsageException($"{name} '{directory}' holds no PEM files.");
    }

    private static void Import(X509Certificate2Collection certificates, string file, string name)
    {
        var before = certificates.Count;
        try
        {
            certificates.ImportFromPemFile(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new UsageException($"{name}: cannot read the CA certificates in '{file}': {exception.Message}");
        }

        if (certificates.Count == before)
        {
            throw new UsageException($"{name}: '{file}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }
    }
}
