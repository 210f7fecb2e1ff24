using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace SecretRotation.Cli;

/// <summary>
/// What a command may touch outside its arguments: the standard streams, the environment, the clock, and how clients for Key Vault
/// and Vault are made. <see cref="Program"/> uses the process's; tests pass their own (captured streams, the emulators).
/// </summary>
internal sealed class CliContext
{
    public CliContext(TextWriter output, TextWriter error, TextReader input)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(input);

        // The watch command writes from the configuration's reload and log threads too.
        Out = TextWriter.Synchronized(output);
        Error = TextWriter.Synchronized(error);
        In = input;
    }

    /// <summary>Standard output: results, never a secret value.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error: errors and warnings, never a secret value.</summary>
    public TextWriter Error { get; }

    /// <summary>Standard input, read by <c>rotate --stdin</c>.</summary>
    public TextReader In { get; }

    /// <summary>Reads an environment variable (<c>VAULT_ADDR</c>, <c>VAULT_TOKEN</c>, <c>VAULT_NAMESPACE</c>, <c>KUBECONFIG</c>).</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The clock for timestamps and timeouts.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Makes the Key Vault client for a vault URI and the <c>--credential</c> options, or <see langword="null"/> (the default) for
    /// <see cref="KeyVaultConnection.CreateClient"/> (<see cref="DefaultAzureCredential"/> unless <c>--credential</c> says otherwise).
    /// </summary>
    public Func<Uri, KeyVaultConnection, SecretClient>? CreateSecretClient { get; init; }

    /// <summary>Makes the HTTP handler for Vault requests (the caller disposes it), or <see langword="null"/> for a plain one.</summary>
    public Func<HttpMessageHandler>? CreateVaultHandler { get; init; }

    /// <summary>The Key Vault client for <paramref name="vaultUri"/>, made as <paramref name="connection"/> says.</summary>
    public SecretClient SecretClientFor(Uri vaultUri, KeyVaultConnection connection) =>
        CreateSecretClient is { } create ? create(vaultUri, connection) : connection.CreateClient(vaultUri, GetEnvironmentVariable);

    /// <summary>The process's streams, environment and clock.</summary>
    public static CliContext FromConsole() => new(Console.Out, Console.Error, Console.In);
}
