namespace SecretRotation.Testing;

/// <summary>
/// A failure, delay or stuck watch that a <see cref="KubernetesEmulator"/> injects into matching requests; see
/// <see cref="KubernetesEmulator.InjectFault(KubernetesFault)"/>.
/// </summary>
/// <remarks>
/// <para>A fault answers before anything else (even a bad token): the request reaches no state. The body is a <c>Status</c>
/// object with the API server's reason for the code (429 <c>TooManyRequests</c>, 500 <c>InternalError</c>, 503
/// <c>ServiceUnavailable</c>, 504 <c>Timeout</c>, 410 <c>Expired</c>...).</para>
/// <para><see cref="EmulatorFault.PathPrefix"/> is a URL path such as <c>/api/v1/namespaces/default/secrets</c>, compared by whole
/// segments and case-sensitively. <see cref="EmulatorFault.Method"/> is the HTTP method (a watch is a <c>GET</c>).</para>
/// </remarks>
public sealed class KubernetesFault : EmulatorFault
{
    /// <summary>The <c>message</c> of the <c>Status</c> body.</summary>
    /// <value>Default <see langword="null"/>: the API server's wording for that code.</value>
    public string? Message { get; init; }

    /// <summary>Whether the fault applies only to watch requests (<c>?watch=true</c> or the <c>/watch/</c> paths).</summary>
    /// <value>Default <see langword="false"/>: every matching request.</value>
    public bool WatchOnly { get; init; }

    /// <summary>
    /// For a watch: answer 200 with the stream's headers, then send nothing at all, no event and no bookmark, until the client goes
    /// away or the emulator stops: a silently stuck watch. Ignored for other requests and when <see cref="EmulatorFault.StatusCode"/>
    /// is set.
    /// </summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool StallWatch { get; init; }
}
