namespace SecretRotation.Cli;

/// <summary>The process exit codes of every command.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Ok = 0;

    /// <summary>The operation failed (the vault or the cluster refused or could not be reached, a timeout...).</summary>
    public const int Failed = 1;

    /// <summary>The arguments were wrong or incomplete; nothing was done.</summary>
    public const int BadArguments = 2;
}
