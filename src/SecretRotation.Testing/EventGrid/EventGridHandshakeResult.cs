namespace SecretRotation.Testing;

/// <summary>
/// The outcome of an endpoint validation by an <see cref="EventGridDeliverer"/>: the subscription validation event (Event Grid schema)
/// or the CloudEvents abuse-protection <c>OPTIONS</c> request.
/// </summary>
public sealed class EventGridHandshakeResult
{
    internal EventGridHandshakeResult(EventGridSchema schema, bool succeeded, int? statusCode, string? failure, string? validationCode, string? allowedOrigin, string? allowedRate)
    {
        Schema = schema;
        Succeeded = succeeded;
        StatusCode = statusCode;
        Failure = failure;
        ValidationCode = validationCode;
        AllowedOrigin = allowedOrigin;
        AllowedRate = allowedRate;
    }

    /// <summary>The schema whose handshake was performed.</summary>
    public EventGridSchema Schema { get; }

    /// <summary>
    /// Whether the endpoint consented. Event Grid schema: 200 with <c>{"validationResponse":"&lt;code&gt;"}</c> echoing the code.
    /// CloudEvents: a 200-204 answer with <c>WebHook-Allowed-Origin</c> of <c>eventgrid.azure.net</c> or <c>*</c>, and a valid
    /// <c>WebHook-Allowed-Rate</c> when a rate was asked for.
    /// </summary>
    public bool Succeeded { get; }

    /// <summary>The status of the answer, or <see langword="null"/> when there was none (connection error, timeout).</summary>
    public int? StatusCode { get; }

    /// <summary>Why the handshake failed, in words; <see langword="null"/> when it succeeded.</summary>
    public string? Failure { get; }

    /// <summary>The <c>validationCode</c> sent (Event Grid schema); <see langword="null"/> under CloudEvents.</summary>
    public string? ValidationCode { get; }

    /// <summary>The <c>WebHook-Allowed-Origin</c> answered (CloudEvents), or <see langword="null"/>.</summary>
    public string? AllowedOrigin { get; }

    /// <summary>The <c>WebHook-Allowed-Rate</c> answered (CloudEvents), or <see langword="null"/>.</summary>
    public string? AllowedRate { get; }
}
