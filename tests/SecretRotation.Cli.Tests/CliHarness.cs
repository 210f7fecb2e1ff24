using Azure.Security.KeyVault.Secrets;

namespace SecretRotation.Cli.Tests;

/// <summary>
/// Runs the tool in-process through <see cref="CliApplication.RunAsync"/> with captured stdout and stderr, a given stdin, and an
/// environment of its own (the machine's VAULT_ADDR or KUBECONFIG never leak in).
/// </summary>
internal sealed class CliHarness
{
    public ObservableWriter Out { get; } = new();

    public ObservableWriter Error { get; } = new();

    public string Stdin { get; init; } = string.Empty;

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public Func<Uri, SecretClient>? SecretClient { get; init; }

    public Func<HttpMessageHandler>? VaultHandler { get; init; }

    /// <summary>The Key Vault connections the commands asked for, in order (one per client made).</summary>
    public List<KeyVaultConnection> KeyVaultConnections { get; } = [];

    public async Task<CliResult> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var context = new CliContext(Out, Error, new StringReader(Stdin))
        {
            GetEnvironmentVariable = name => Environment.GetValueOrDefault(name),
            TimeProvider = TimeProvider,
            CreateSecretClient = (vaultUri, connection) =>
            {
                lock (KeyVaultConnections)
                {
                    KeyVaultConnections.Add(connection);
                }

                return SecretClient is { } create ? create(vaultUri) : throw new InvalidOperationException("This test gave no Key Vault client.");
            },
            CreateVaultHandler = VaultHandler,
        };
        var exitCode = await CliApplication.RunAsync(args, context, cancellationToken);
        return new CliResult(exitCode, Out.ToString(), Error.ToString());
    }

    public static Task<CliResult> RunWithoutContextAsync(params string[] args) => new CliHarness().RunAsync(args);
}
