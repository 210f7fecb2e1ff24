using System.CommandLine;

namespace SecretRotation.Cli.Mirror;

/// <summary><c>mirror</c>: reserved for the Vault Mirror, which is a later release. Always exits with code 2.</summary>
internal static class MirrorCommand
{
    public const string NotAvailable = "not available yet: the Vault Mirror is a later release.";

    public static Command Create(CliContext context)
    {
        var once = new Option<bool>("--once") { Description = "Mirror once and exit (not available yet)." };
        var command = new Command("mirror", "Mirror secrets between stores (not available yet: the Vault Mirror is a later release).") { once };
        command.SetAction(async (_, _) =>
        {
            await context.Error.WriteLineAsync($"error: mirror is {NotAvailable}");
            return ExitCodes.BadArguments;
        });
        return command;
    }
}
