namespace SecretRotation.Kubernetes.Internal;

/// <summary>The API server answered a request with an error status. The message names the request, never a value.</summary>
internal sealed class KubernetesApiException : Exception
{
    public KubernetesApiException(int statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    public KubernetesApiException()
    {
    }

    public KubernetesApiException(string message)
        : base(message)
    {
    }

    public KubernetesApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status (or an ERROR event's status code).</summary>
    public int StatusCode { get; }

    /// <summary>Whether the resourceVersion asked for is too old: list again (410 Gone, or an <c>Expired</c> status).</summary>
    public bool IsExpired => StatusCode == 410;

    /// <summary>How long the server asked to wait (429/503 <c>Retry-After</c>), if it did.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
