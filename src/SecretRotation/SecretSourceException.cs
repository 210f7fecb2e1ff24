namespace SecretRotation;

/// <summary>
/// A secret source could not be read. The message names the source and the cause (path, status, permission),
/// never a secret value.
/// </summary>
public sealed class SecretSourceException : Exception
{
    /// <summary>Creates an exception for <paramref name="sourceName"/>.</summary>
    public SecretSourceException(string sourceName, string message, Exception? innerException = null)
        : base($"Could not read secrets from {sourceName}: {message}", innerException)
    {
        SourceName = sourceName;
    }

    /// <summary>Creates an exception without a source name.</summary>
    public SecretSourceException()
        : this("an unnamed source", "unknown cause")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public SecretSourceException(string message)
        : this("an unnamed source", message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public SecretSourceException(string message, Exception innerException)
        : this("an unnamed source", message, innerException)
    {
    }

    /// <summary>The name of the source that failed.</summary>
    public string SourceName { get; }

    /// <summary>How long the store asked callers to wait before trying again (an HTTP <c>Retry-After</c>), if it said.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
