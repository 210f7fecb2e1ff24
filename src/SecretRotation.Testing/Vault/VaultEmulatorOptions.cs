namespace SecretRotation.Testing;

/// <summary>Settings for a <see cref="VaultEmulator"/>.</summary>
public sealed class VaultEmulatorOptions
{
    /// <summary>The clock for token and lease TTLs, KV times and database usernames; move it with a fake to expire tokens and leases.</summary>
    /// <value>Default <see cref="TimeProvider.System"/>. Latency and <c>Retry-After</c> always run on the real clock.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Whether to serve HTTPS with a self-signed certificate made at start-up instead of plain HTTP.</summary>
    /// <value>Default <see langword="false"/>: <c>http://127.0.0.1:{port}/</c>, like <c>vault server -dev</c>.</value>
    public bool UseHttps { get; set; }

    /// <summary>The root token's id.</summary>
    /// <value>Default <see langword="null"/>: a random <c>hvs.</c> token.</value>
    public string? RootToken { get; set; }

    /// <summary>Delay added to every request before it is answered.</summary>
    /// <value>Default <see cref="TimeSpan.Zero"/>. Can be changed later through <see cref="VaultEmulator.Latency"/>.</value>
    public TimeSpan Latency { get; set; }
}
