using SecretRotation.Cli.Mirror;

namespace SecretRotation.Cli.Tests;

/// <summary>Bad arguments exit with code 2 and say what to pass; every command has --help.</summary>
public sealed class ArgumentTests
{
    [Theory]
    [InlineData("rotate")]
    [InlineData("restart")]
    [InlineData("watch")]
    [InlineData("mirror")]
    public async Task EveryCommandHasHelp(string command)
    {
        var result = await CliHarness.RunWithoutContextAsync(command, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"secret-rotation {command}", result.Out, StringComparison.Ordinal);
        Assert.Contains("Options:", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRootHelpListsTheCommands()
    {
        var result = await CliHarness.RunWithoutContextAsync("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "rotate", "restart", "watch", "mirror" })
        {
            Assert.Contains(command, result.Out, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Name the secret to rotate", "rotate")]
    [InlineData("Choose one store", "rotate", "--vault-uri", "https://kv.vault.azure.net/", "--name", "a", "--path", "secret/a", "--field", "b")]
    [InlineData("Azure Key Vault needs both --vault-uri and --name", "rotate", "--name", "Db--Password")]
    [InlineData("HashiCorp Vault needs both --path", "rotate", "--path", "secret/myapp/db")]
    [InlineData("--length must be between 8 and 4096 (got 4)", "rotate", "--vault-uri", "https://kv.vault.azure.net/", "--name", "a", "--length", "4")]
    [InlineData("Argument 'bogus' not recognized", "rotate", "--vault-uri", "https://kv.vault.azure.net/", "--name", "a", "--alphabet", "bogus")]
    [InlineData("leave them out with --stdin", "rotate", "--vault-uri", "https://kv.vault.azure.net/", "--name", "a", "--stdin", "--length", "40")]
    [InlineData("is not a Key Vault secret name", "rotate", "--vault-uri", "https://kv.vault.azure.net/", "--name", "Db:Password")]
    [InlineData("is not an https:// URL", "rotate", "--vault-uri", "http://kv.vault.azure.net/", "--name", "a")]
    [InlineData("No Vault address: pass --vault-address or set VAULT_ADDR", "rotate", "--path", "secret/myapp/db", "--field", "password")]
    [InlineData("No Vault token: pass --token-file or set VAULT_TOKEN", "rotate", "--vault-address", "http://127.0.0.1:1/", "--path", "secret/a", "--field", "b")]
    [InlineData("Could not read the Vault token file", "rotate", "--vault-address", "http://127.0.0.1:1/", "--path", "secret/a", "--field", "b", "--token-file", "/nonexistent/token")]
    [InlineData("--vault-address and --token-file are for HashiCorp Vault", "rotate", "--vault-uri", "https://kv.vault.azure.net/", "--name", "a", "--token-file", "t")]
    [InlineData("Required argument 'deployment' missing", "restart")]
    [InlineData("is not a deployment name", "restart", "Web_App", "--kubeconfig", "/nonexistent")]
    [InlineData("--kubeconfig '/nonexistent/config' does not exist", "restart", "web", "--kubeconfig", "/nonexistent/config")]
    [InlineData("is not a namespace name", "restart", "web", "-n", "Prod_1", "--kubeconfig", "/nonexistent")]
    [InlineData("Name at least one source", "watch")]
    [InlineData("'soon' is not a duration for --timeout", "watch", "--volume", "/tmp", "--timeout", "soon")]
    [InlineData("'100ms' is not a duration of at least 1s for --poll-interval", "watch", "--volume", "/tmp", "--poll-interval", "100ms")]
    [InlineData("--max-events must be at least 1", "watch", "--volume", "/tmp", "--max-events", "0")]
    [InlineData("--vault-address and --token-file need at least one --vault-path", "watch", "--volume", "/tmp", "--vault-address", "http://127.0.0.1:1/")]
    [InlineData("No Vault address", "watch", "--vault-path", "secret/myapp/db=Db")]
    [InlineData("has no path", "watch", "--vault-path", "=Db", "--vault-address", "http://127.0.0.1:1/")]
    [InlineData("Unrecognized command or argument 'bogus'", "bogus")]
    [InlineData("Required command was not provided", new string[0])]
    public async Task BadArgumentsExitWithCodeTwoAndAClearMessage(string message, params string[] args)
    {
        var result = await CliHarness.RunWithoutContextAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Contains("--help' for usage.", result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public async Task MirrorWithoutOncePointsToTheService()
    {
        var result = await CliHarness.RunWithoutContextAsync("mirror", "--key-vault-uri", "https://kv.vault.azure.net/");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(MirrorCommand.ServiceHint, result.Error, StringComparison.Ordinal);
        Assert.Contains("run the Vault Mirror service", result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    [Theory]
    [InlineData("Name the Key Vault to mirror: --key-vault-uri", "mirror", "--once")]
    [InlineData("--key-vault-uri 'http://kv.vault.azure.net/' is not an https:// URL", "mirror", "--once", "--key-vault-uri", "http://kv.vault.azure.net/")]
    [InlineData("No Vault address: pass --vault-address or set VAULT_ADDR", "mirror", "--once", "--key-vault-uri", "https://kv.vault.azure.net/")]
    [InlineData("No Vault token: pass --token-file or set VAULT_TOKEN", "mirror", "--once", "--key-vault-uri", "https://kv.vault.azure.net/", "--vault-address", "http://127.0.0.1:8200")]
    [InlineData("Choose one way to log in to Vault", "mirror", "--once", "--key-vault-uri", "https://kv.vault.azure.net/", "--vault-address", "http://127.0.0.1:8200", "--token-file", "t", "--kubernetes-role", "mirror")]
    [InlineData("--secret-names has 'db_password', which is not a Key Vault secret name", "mirror", "--once", "--key-vault-uri", "https://kv.vault.azure.net/", "--vault-address", "http://127.0.0.1:8200", "--kubernetes-role", "mirror", "--secret-names", "db,db_password")]
    [InlineData("--vault-path-prefix must be a plain path", "mirror", "--once", "--key-vault-uri", "https://kv.vault.azure.net/", "--vault-address", "http://127.0.0.1:8200", "--kubernetes-role", "mirror", "--vault-path-prefix", "../x")]
    [InlineData("Argument 'Sometimes' not recognized", "mirror", "--once", "--key-vault-uri", "https://kv.vault.azure.net/", "--delete-policy", "Sometimes")]
    public async Task BadMirrorArgumentsExitWithCodeTwo(string message, params string[] args)
    {
        var result = await CliHarness.RunWithoutContextAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Contains("--help' for usage.", result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }
}
