namespace SecretRotation.Cli;

/// <summary>The operation failed (exit code 1). The message names what was refused and why; it never holds a secret value.</summary>
internal sealed class CommandFailedException : Exception
{
    public CommandFailedException(string message)
        : base(message)
    {
    }

    public CommandFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
