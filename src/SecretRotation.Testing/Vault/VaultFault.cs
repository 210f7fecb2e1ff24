namespace SecretRotation.Testing;

/// <summary>
/// A failure (and/or delay) that a <see cref="VaultEmulator"/> injects into matching requests; see
/// <see cref="VaultEmulator.InjectFault(VaultFault)"/>.
/// </summary>
/// <remarks>
/// <para>A fault answers before anything else (even a sealed Vault or a bad token): the request reaches no state. The body is Vault's
/// <c>{"errors":[...]}</c>; by default 429 carries the rate-limit-quota message
/// (<c>request path "secret/data/x": rate limit quota exceeded</c>), 500 <c>internal error</c>, 503 <c>Vault is sealed</c>,
/// 404 no message. Vault itself sends <c>Retry-After</c> only with <c>enable_rate_limit_response_headers</c>.</para>
/// <para><see cref="EmulatorFault.PathPrefix"/> is a Vault path (without <c>/v1/</c>) compared by whole segments and
/// case-sensitively: <c>secret/data/myapp</c> matches <c>secret/data/myapp</c> and <c>secret/data/myapp/db</c> but not
/// <c>secret/data/myapp2</c>. A leading <c>/</c> or <c>/v1/</c> is ignored. <see cref="EmulatorFault.Method"/> is compared as
/// sent: <c>GET</c>, <c>POST</c>, <c>LIST</c>...</para>
/// </remarks>
public sealed class VaultFault : EmulatorFault
{
    /// <summary>The <c>errors</c> of the failure body.</summary>
    /// <value>Default <see langword="null"/>: the message Vault uses for that status (see the remarks).</value>
    public IReadOnlyList<string>? Errors { get; init; }
}
