using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using SecretRotation.Cli.Mirror;
using SecretRotation.Cli.Restart;
using SecretRotation.Cli.Rotate;
using SecretRotation.Cli.Watch;

namespace SecretRotation.Cli;

/// <summary>
/// The <c>secret-rotation</c> command line: parses, runs one command, and maps failures to exit codes (0 ok, 1 the operation
/// failed, 2 bad arguments). Tests call <see cref="RunAsync"/> in-process with their own <see cref="CliContext"/>.
/// </summary>
internal static class CliApplication
{
    public const string ToolName = "secret-rotation";

    /// <summary>
    /// The root command, named <c>secret-rotation</c> whatever the process is called (a dotnet tool runs as <c>dotnet SecretRotation.Cli.dll</c>,
    /// which <see cref="RootCommand"/> would show in usage lines), with RootCommand's help and version options.
    /// </summary>
    public static Command CreateRootCommand(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Command(ToolName, "Rotate secrets in Azure Key Vault and HashiCorp Vault, restart a Kubernetes deployment, and watch a configuration reload as an app using SecretRotation would.")
        {
            new HelpOption(),
            new VersionOption(),
            RotateCommand.Create(context),
            RestartCommand.Create(context),
            WatchCommand.Create(context),
            MirrorCommand.Create(context),
        };
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);

        var root = CreateRootCommand(context);
        var parseResult = root.Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            foreach (var error in parseResult.Errors)
            {
                await context.Error.WriteLineAsync($"error: {error.Message}");
            }

            await context.Error.WriteLineAsync($"Run '{CommandPath(parseResult)} --help' for usage.");
            return ExitCodes.BadArguments;
        }

        var configuration = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };

        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken);
        }
        catch (UsageException exception)
        {
            await context.Error.WriteLineAsync($"error: {exception.Message}");
            await context.Error.WriteLineAsync($"Run '{CommandPath(parseResult)} --help' for usage.");
            return ExitCodes.BadArguments;
        }
        catch (CommandFailedException exception)
        {
            await context.Error.WriteLineAsync($"error: {exception.Message}");
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("error: cancelled.");
            return ExitCodes.Failed;
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or UnauthorizedAccessException or TimeoutException or TaskCanceledException)
        {
            // Messages of these never carry a secret value (response bodies are not part of them).
            await context.Error.WriteLineAsync($"error: {exception.Message}");
            return ExitCodes.Failed;
        }
    }

    private static string CommandPath(ParseResult parseResult)
    {
        var names = new Stack<string>();
        for (var result = parseResult.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Push(result.Command.Name);
        }

        return string.Join(' ', names);
    }
}
