using System.CommandLine;
using SecretRotation.VaultMirror.Configuration;

namespace SecretRotation.Cli.Mirror;

/// <summary>
/// <c>mirror --once</c>: one pass of the Vault Mirror (Key Vault secrets into Vault KV v2, written only on change with
/// check-and-set). Continuous mirroring (poll and Event Grid) is the Vault Mirror service's job.
/// </summary>
internal static class MirrorCommand
{
    public const string ServiceHint =
        "mirror runs one pass and needs --once; for continuous mirroring (poll and Event Grid) run the Vault Mirror service (SecretRotation.VaultMirror).";

    public static Command Create(CliContext context)
    {
        var once = new Option<bool>("--once") { Description = "Run one mirror pass and exit (required)." };
        var keyVaultUri = new Option<string>("--key-vault-uri") { Description = "The Key Vault to read, e.g. https://myvault.vault.azure.net/ (auth: --credential).", HelpName = "uri" };
        var prefix = new Option<string>("--prefix") { Description = "Mirror only secrets whose name starts with this (case-insensitive) [default: all].", HelpName = "prefix" };
        var secretNames = new Option<string[]>("--secret-names")
        {
            Description = "Mirror only these secrets (repeat the option, or separate names with commas) [default: all].",
            HelpName = "names",
            AllowMultipleArgumentsPerToken = true,
        };
        var vaultAddress = new Option<string>("--vault-address") { Description = "HashiCorp Vault: the server [default: VAULT_ADDR].", HelpName = "url" };
        var vaultMount = new Option<string>("--vault-mount") { Description = "The KV v2 mount.", HelpName = "mount", DefaultValueFactory = _ => "secret" };
        var vaultPathPrefix = new Option<string>("--vault-path-prefix") { Description = "The path under the mount: secret db goes to {mount}/{prefix}db.", HelpName = "prefix", DefaultValueFactory = _ => "mirror/" };
        var valueField = new Option<string>("--value-field") { Description = "The Vault field that holds the value.", HelpName = "field", DefaultValueFactory = _ => "value" };
        var tokenFile = new Option<string>("--token-file") { Description = "HashiCorp Vault: a file holding the token [default: VAULT_TOKEN].", HelpName = "file" };
        var kubernetesRole = new Option<string>("--kubernetes-role") { Description = "HashiCorp Vault: log in with Kubernetes auth as this role (the pod's service-account token) instead of a token.", HelpName = "role" };
        var deletePolicy = new Option<string>("--delete-policy")
        {
            Description = "A secret disabled, expired or deleted in Key Vault: Keep its Vault copy (warn) or Delete (soft-delete the latest Vault version).",
            DefaultValueFactory = _ => nameof(DeletePolicy.Keep),
        };
        deletePolicy.AcceptOnlyFromAmong(nameof(DeletePolicy.Keep), nameof(DeletePolicy.Delete));

        var command = new Command(
            "mirror",
            "Mirror Azure Key Vault secrets into a HashiCorp Vault KV v2 mount once, as the Vault Mirror's --once does: a new Vault version only "
            + "where Key Vault's latest version is not mirrored yet, with check-and-set. Prints names and counts, never values.")
        {
            once, keyVaultUri, prefix, secretNames, vaultAddress, vaultMount, vaultPathPrefix, valueField, tokenFile, kubernetesRole, deletePolicy,
        };
        var keyVaultConnection = new KeyVaultConnectionOptions();
        keyVaultConnection.AddTo(command);
        var vaultCa = new VaultCaOptions();
        vaultCa.AddTo(command);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!parseResult.GetValue(once))
            {
                throw new UsageException(ServiceHint);
            }

            var arguments = new MirrorArguments(
                parseResult.GetValue(keyVaultUri),
                parseResult.GetValue(prefix),
                parseResult.GetValue(secretNames) ?? [],
                parseResult.GetValue(vaultAddress),
                parseResult.GetValue(vaultMount)!,
                parseResult.GetValue(vaultPathPrefix)!,
                parseResult.GetValue(valueField)!,
                parseResult.GetValue(tokenFile),
                parseResult.GetValue(kubernetesRole),
                Enum.Parse<DeletePolicy>(parseResult.GetValue(deletePolicy)!, ignoreCase: true));
            var options = await arguments.ToOptionsAsync(context, cancellationToken);
            var connection = keyVaultConnection.Read(parseResult);
            var trusted = vaultCa.Load(parseResult, context);
            var result = await MirrorOnce.RunAsync(options, connection, trusted, context, cancellationToken);
            await MirrorSummary.WriteAsync(context.Out, options, result);
            if (result.Succeeded)
            {
                return ExitCodes.Ok;
            }

            await context.Error.WriteLineAsync(result.ListingFailed
                ? "error: the mirror pass failed: listing Key Vault or Vault failed (see above); nothing is lost, run it again."
                : $"error: the mirror pass failed for {result.Failed} secret(s) (see above); run it again.");
            return ExitCodes.Failed;
        });
        return command;
    }
}
