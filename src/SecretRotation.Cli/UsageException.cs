namespace SecretRotation.Cli;

/// <summary>The arguments cannot work together (exit code 2). The message says what to pass instead; it never holds a value.</summary>
internal sealed class UsageException(string message) : Exception(message);
