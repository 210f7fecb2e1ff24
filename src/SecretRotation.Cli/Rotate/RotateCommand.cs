using System.CommandLine;
using SecretRotation.HashiCorpVault;

namespace SecretRotation.Cli.Rotate;

/// <summary><c>rotate</c>: writes a new version of a Key Vault secret or of one field of a Vault KV v2 secret.</summary>
internal static class RotateCommand
{
    public static Command Create(CliContext context)
    {
        var vaultUri = new Option<string>("--vault-uri") { Description = "Azure Key Vault: the vault, e.g. https://myvault.vault.azure.net/ (auth: --credential).", HelpName = "uri" };
        var name = new Option<string>("--name") { Description = "Azure Key Vault: the secret name, e.g. Db--Password.", HelpName = "name" };
        var vaultAddress = new Option<string>("--vault-address") { Description = "HashiCorp Vault: the server [default: VAULT_ADDR].", HelpName = "url" };
        var path = new Option<string>("--path") { Description = "HashiCorp Vault: the KV v2 secret as the Vault CLI names it, e.g. secret/myapp/db.", HelpName = "path" };
        var field = new Option<string>("--field") { Description = "HashiCorp Vault: the field to replace, e.g. password; the other fields are kept.", HelpName = "field" };
        var tokenFile = new Option<string>("--token-file") { Description = "HashiCorp Vault: a file holding the token [default: VAULT_TOKEN].", HelpName = "file" };
        var length = new Option<int>("--length")
        {
            Description = $"Length of the generated value, {SecretGenerator.MinimumLength}-{SecretGenerator.MaximumLength} characters.",
            DefaultValueFactory = _ => SecretGenerator.DefaultLength,
        };
        length.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value is < SecretGenerator.MinimumLength or > SecretGenerator.MaximumLength)
            {
                result.AddError($"--length must be between {SecretGenerator.MinimumLength} and {SecretGenerator.MaximumLength} (got {value}).");
            }
        });
        var alphabet = new Option<string>("--alphabet")
        {
            Description = "Characters of the generated value: alnum (A-Z a-z 0-9), alnum-symbols (and !#%*+-.:=?@^_~), hex, base64url (A-Z a-z 0-9 - _).",
            DefaultValueFactory = _ => "alnum",
        };
        alphabet.AcceptOnlyFromAmong([.. SecretGenerator.AlphabetNames]);
        var stdin = new Option<bool>("--stdin") { Description = "Read the new value from standard input (one trailing newline is dropped) instead of generating it." };

        var command = new Command(
            "rotate",
            "Write a new version of a secret: a generated value (cryptographically random) or one read from stdin. The value is never printed; "
            + "the output names the secret, the new version and a fingerprint (first 12 hex characters of its SHA-256).")
        {
            vaultUri, name, vaultAddress, path, field, tokenFile, length, alphabet, stdin,
        };
        var keyVaultConnection = new KeyVaultConnectionOptions();
        keyVaultConnection.AddTo(command);
        var vaultCa = new VaultCaOptions();
        vaultCa.AddTo(command);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var useStdin = parseResult.GetValue(stdin);
            if (useStdin && (parseResult.GetResult(length) is { Implicit: false } || parseResult.GetResult(alphabet) is { Implicit: false }))
            {
                throw new UsageException("--length and --alphabet describe a generated value; leave them out with --stdin.");
            }

            var target = RotateTarget.From(
                parseResult.GetValue(vaultUri),
                parseResult.GetValue(name),
                parseResult.GetValue(vaultAddress),
                parseResult.GetValue(path),
                parseResult.GetValue(field),
                parseResult.GetValue(tokenFile));

            RotationResult result;
            if (target.KeyVaultUri is { } keyVaultUri)
            {
                if (vaultCa.AnyGiven(parseResult))
                {
                    throw new UsageException("--vault-ca-cert and --vault-ca-path are for HashiCorp Vault; Key Vault uses the system's trusted CAs.");
                }

                var connection = keyVaultConnection.Read(parseResult);
                var value = await NewValueAsync(useStdin, parseResult.GetValue(length), parseResult.GetValue(alphabet)!, context, cancellationToken);
                result = await KeyVaultRotator.RotateAsync(context.SecretClientFor(keyVaultUri, connection), target.Name!, value, cancellationToken);
            }
            else
            {
                if (keyVaultConnection.AnyGiven(parseResult))
                {
                    throw new UsageException("--credential, --authority-host and --disable-challenge-resource-verification are for Azure Key Vault; Vault uses --token-file or VAULT_TOKEN.");
                }

                var trusted = vaultCa.Load(parseResult, context);
                var address = VaultArguments.ResolveAddress(target.VaultAddress, context);
                var token = await VaultArguments.ReadTokenAsync(target.TokenFile, context, cancellationToken);
                var value = await NewValueAsync(useStdin, parseResult.GetValue(length), parseResult.GetValue(alphabet)!, context, cancellationToken);
                using var client = new VaultClient(new VaultClientOptions
                {
                    Address = address,
                    Namespace = VaultArguments.Namespace(context),
                    Authentication = VaultAuthMethod.Token(token),
                    CaCertificates = trusted,
                    HttpMessageHandler = context.CreateVaultHandler?.Invoke(),
                    TimeProvider = context.TimeProvider,
                });
                result = await new VaultKvRotator(client, address).RotateAsync(target.Path!, target.Field!, value, cancellationToken);
            }

            await context.Out.WriteLineAsync($"Rotated {result.Target}");
            await context.Out.WriteLineAsync($"  version      {result.Version}");
            await context.Out.WriteLineAsync($"  fingerprint  {result.Fingerprint}");
            if (result.Detail is not null)
            {
                await context.Out.WriteLineAsync($"  note         {result.Detail}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<string> NewValueAsync(bool fromStdin, int length, string alphabet, CliContext context, CancellationToken cancellationToken)
    {
        if (!fromStdin)
        {
            return SecretGenerator.Generate(length, SecretGenerator.ParseAlphabet(alphabet));
        }

        var text = await context.In.ReadToEndAsync(cancellationToken);
        if (text.EndsWith("\r\n", StringComparison.Ordinal))
        {
            text = text[..^2];
        }
        else if (text.EndsWith('\n'))
        {
            text = text[..^1];
        }

        return text.Length > 0 ? text : throw new UsageException("--stdin read an empty value; pipe the new value in, e.g. 'pwgen 32 1 | secret-rotation rotate ... --stdin'.");
    }
}
