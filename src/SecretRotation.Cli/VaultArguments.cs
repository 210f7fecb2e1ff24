namespace SecretRotation.Cli;

/// <summary>The Vault address and token as the Vault CLI takes them: an option, else <c>VAULT_ADDR</c> / <c>VAULT_TOKEN</c>.</summary>
internal static class VaultArguments
{
    /// <summary><c>--vault-address</c>, else <c>VAULT_ADDR</c>; an absolute http(s) URI.</summary>
    /// <exception cref="UsageException">Neither is set, or the address is not an http(s) URI.</exception>
    public static Uri ResolveAddress(string? option, CliContext context)
    {
        var address = string.IsNullOrWhiteSpace(option) ? context.GetEnvironmentVariable("VAULT_ADDR") : option;
        if (string.IsNullOrWhiteSpace(address))
        {
            throw new UsageException("No Vault address: pass --vault-address or set VAULT_ADDR.");
        }

        if (!Uri.TryCreate(address.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"The Vault address '{address}' is not an http:// or https:// URL.");
        }

        return uri;
    }

    /// <summary>The token from <c>--token-file</c>, else <c>VAULT_TOKEN</c>.</summary>
    /// <exception cref="UsageException">Neither gives a token, or the file cannot be read.</exception>
    public static async Task<string> ReadTokenAsync(string? tokenFile, CliContext context, CancellationToken cancellationToken)
    {
        if (tokenFile is not null)
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync(tokenFile, cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"Could not read the Vault token file '{tokenFile}': {exception.Message}");
            }

            return text.Trim() is { Length: > 0 } token ? token : throw new UsageException($"The Vault token file '{tokenFile}' is empty.");
        }

        var fromEnvironment = context.GetEnvironmentVariable("VAULT_TOKEN");
        return string.IsNullOrWhiteSpace(fromEnvironment)
            ? throw new UsageException("No Vault token: pass --token-file or set VAULT_TOKEN.")
            : fromEnvironment.Trim();
    }

    /// <summary><c>VAULT_NAMESPACE</c> (Vault Enterprise), or <see langword="null"/>.</summary>
    public static string? Namespace(CliContext context) =>
        context.GetEnvironmentVariable("VAULT_NAMESPACE") is { Length: > 0 } value ? value : null;
}
