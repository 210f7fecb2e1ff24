using System.CommandLine;
using System.CommandLine.Parsing;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace SecretRotation.Cli.Watch;

/// <summary><c>watch</c>: loads a configuration from secret sources as an app would, and prints each reload as it happens.</summary>
internal static class WatchCommand
{
    public static Command Create(CliContext context)
    {
        var volumes = new Option<string[]>("--volume") { Description = "A mounted secret volume (key-per-file, e.g. a Kubernetes secret or CSI mount); repeatable.", HelpName = "path" };
        var vaultUris = new Option<string[]>("--vault-uri") { Description = "An Azure Key Vault, e.g. https://myvault.vault.azure.net/ (auth: --credential; needs List and Get); repeatable.", HelpName = "uri" };
        var vaultAddress = new Option<string>("--vault-address") { Description = "The HashiCorp Vault server for --vault-path [default: VAULT_ADDR].", HelpName = "url" };
        var vaultPaths = new Option<string[]>("--vault-path") { Description = "A Vault path and the section its fields go under, e.g. secret/myapp/db=Db; repeatable.", HelpName = "path[=section]" };
        var tokenFile = new Option<string>("--token-file") { Description = "A file holding the Vault token, read again when it changes [default: VAULT_TOKEN].", HelpName = "file" };
        var pollInterval = new Option<TimeSpan?>("--poll-interval")
        {
            Description = "How often every source is polled, e.g. 30s, 5m, 1h or 00:05:00 (a unit is required), at least 1s [default: each source's own, 5m for Key Vault and Vault].",
            HelpName = "duration",
            CustomParser = result => ParseDuration(result, TimeSpan.FromSeconds(1)),
        };
        var maxEvents = new Option<int?>("--max-events") { Description = "Stop (exit 0) after this many reloads.", HelpName = "count" };
        maxEvents.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--max-events must be at least 1.");
            }
        });
        var timeout = new Option<TimeSpan?>("--timeout")
        {
            Description = "Stop after this long, e.g. 90s, 10m or 00:10:00 (a unit is required; exit 1 if --max-events reloads were not seen by then).",
            HelpName = "duration",
            CustomParser = result => ParseDuration(result, TimeSpan.Zero),
        };
        var verbose = new Option<bool>("--verbose") { Description = "Also print the sources' debug and information messages (never values) to stderr." };

        var command = new Command(
            "watch",
            "Load a configuration from secret sources as an app using SecretRotation would, print each key's fingerprint (never a value), "
            + "then print every reload as it happens: the time, the source, and the keys that changed. Ctrl+C stops it.")
        {
            volumes, vaultUris, vaultAddress, vaultPaths, tokenFile, pollInterval, maxEvents, timeout, verbose,
        };
        var keyVaultConnection = new KeyVaultConnectionOptions();
        keyVaultConnection.AddTo(command);
        var vaultCa = new VaultCaOptions();
        vaultCa.AddTo(command);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var volumeList = parseResult.GetValue(volumes) ?? [];
            var uriList = parseResult.GetValue(vaultUris) ?? [];
            var pathList = (parseResult.GetValue(vaultPaths) ?? []).Select(VaultPathArgument.Parse).ToArray();
            var address = parseResult.GetValue(vaultAddress);
            var tokenPath = parseResult.GetValue(tokenFile);
            if (volumeList.Length == 0 && uriList.Length == 0 && pathList.Length == 0)
            {
                throw new UsageException("Name at least one source: --volume PATH, --vault-uri URI, or --vault-path PATH[=SECTION] (with --vault-address or VAULT_ADDR).");
            }

            if (pathList.Length == 0 && (address is not null || tokenPath is not null))
            {
                throw new UsageException("--vault-address and --token-file need at least one --vault-path.");
            }

            var keyVaults = uriList.Select(KeyVaultUri).ToArray();
            var connection = keyVaultConnection.Read(parseResult);
            var vault = pathList.Length == 0 ? null : VaultArguments.ResolveAddress(address, context);
            var trusted = vault is null ? null : vaultCa.Load(parseResult, context);
            var vaultToken = vault is null || tokenPath is not null ? null : await VaultArguments.ReadTokenAsync(null, context, cancellationToken);
            if (tokenPath is not null && !File.Exists(tokenPath))
            {
                throw new UsageException($"The Vault token file '{tokenPath}' does not exist.");
            }

            using var loggerFactory = new LoggerFactory([new StandardErrorLoggerProvider(context.Error, parseResult.GetValue(verbose) ? LogLevel.Debug : LogLevel.Warning)]);
            var poll = parseResult.GetValue(pollInterval);
            void Configure(SecretConfigurationSource source)
            {
                source.LoggerFactory = loggerFactory;
                source.TimeProvider = context.TimeProvider;
                if (poll is { } interval)
                {
                    source.PollInterval = interval;
                }
            }

            var builder = new ConfigurationBuilder();
            foreach (var volume in volumeList)
            {
                builder.AddMountedSecrets(volume, source => Configure(source));
            }

            foreach (var keyVault in keyVaults)
            {
                builder.AddAzureKeyVaultSecrets(context.SecretClientFor(keyVault, connection), source => Configure(source));
            }

            if (vault is not null)
            {
                builder.AddHashiCorpVault(options =>
                {
                    options.Address = vault;
                    options.Namespace = VaultArguments.Namespace(context);
                    if (tokenPath is not null)
                    {
                        options.UseTokenFile(tokenPath);
                    }
                    else
                    {
                        options.UseToken(vaultToken!);
                    }

                    foreach (var mapping in pathList)
                    {
                        options.Map(mapping.Path, mapping.Section);
                    }

                    options.CaCertificates = trusted;
                    options.HttpMessageHandler = context.CreateVaultHandler?.Invoke();
                    Configure(options);
                });
            }

            IConfigurationRoot root;
            try
            {
                root = builder.Build();
            }
            catch (SecretSourceException exception)
            {
                throw new CommandFailedException(exception.Message, exception);
            }
            catch (AuthenticationFailedException exception)
            {
                throw new CommandFailedException($"Could not get a token for Key Vault: {exception.Message}", exception);
            }
            catch (ArgumentException exception)
            {
                throw new UsageException(exception.Message);
            }

            try
            {
                return await new ConfigurationWatcher(root, context).RunAsync(parseResult.GetValue(maxEvents), parseResult.GetValue(timeout), cancellationToken);
            }
            finally
            {
                (root as IDisposable)?.Dispose();
            }
        });
        return command;
    }

    private static Uri KeyVaultUri(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
            ? uri
            : throw new UsageException($"--vault-uri '{text}' is not an https:// URL such as https://<name>.vault.azure.net/ (the vault's URI as the Azure portal shows it).");

    private static TimeSpan? ParseDuration(ArgumentResult result, TimeSpan minimum)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (DurationParser.TryParse(text, out var duration) && duration >= minimum)
        {
            return duration;
        }

        var least = minimum > TimeSpan.Zero ? $" of at least {minimum.TotalSeconds:0}s" : string.Empty;
        var name = result.Parent is OptionResult option ? option.Option.Name : "this option";
        result.AddError(DurationParser.LacksUnit(text)
            ? $"'{text}' has no unit for {name}: write e.g. {text.Trim()}s or {text.Trim()}m (accepted: {DurationParser.AcceptedForms})."
            : $"'{text}' is not a duration{least} for {name}: write e.g. {DurationParser.AcceptedForms}.");
        return null;
    }
}
