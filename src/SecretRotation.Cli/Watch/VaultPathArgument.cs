namespace SecretRotation.Cli.Watch;

/// <summary>One <c>--vault-path PATH[=SECTION]</c>: the Vault path and the configuration section its fields go under (none: the root).</summary>
internal sealed record VaultPathArgument(string Path, string Section)
{
    public static VaultPathArgument Parse(string text)
    {
        var separator = text.IndexOf('=', StringComparison.Ordinal);
        var path = (separator < 0 ? text : text[..separator]).Trim().Trim('/');
        var section = separator < 0 ? string.Empty : text[(separator + 1)..].Trim();
        return path.Length > 0
            ? new VaultPathArgument(path, section)
            : throw new UsageException($"--vault-path '{text}' has no path; write it as PATH or PATH=SECTION, e.g. secret/myapp/db=Db.");
    }
}
