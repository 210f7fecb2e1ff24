namespace SecretRotation.VaultMirror.Configuration;

/// <summary>The <c>Mirror</c> configuration section.</summary>
public sealed class MirrorOptions
{
    /// <summary>The configuration section the service binds: <c>Mirror</c>.</summary>
    public const string SectionName = "Mirror";

    /// <summary>The Key Vault to read, e.g. <c>https://myvault.vault.azure.net/</c>.</summary>
    public Uri? KeyVaultUri { get; set; }

    /// <summary><c>Mirror:KeyVault</c>: the credential, the authority host and the challenge switch.</summary>
    public MirrorKeyVaultOptions KeyVault { get; set; } = new();

    /// <summary>Mirror only secrets whose name starts with this (case-insensitive); empty: every secret.</summary>
    public string? Prefix { get; set; }

    /// <summary>Mirror only these secrets; empty: every secret (within <see cref="Prefix"/>).</summary>
    public IList<string> SecretNames { get; } = [];

    /// <summary>Vault's address, e.g. <c>https://vault.example.com:8200</c>.</summary>
    public Uri? VaultAddress { get; set; }

    /// <summary>The Vault Enterprise namespace, or <see langword="null"/>.</summary>
    public string? VaultNamespace { get; set; }

    /// <summary>A PEM file of CA certificates to trust for Vault's TLS certificate instead of the system store (default: VAULT_CACERT).</summary>
    public string? VaultCaCertificateFile { get; set; }

    /// <summary>A directory of PEM files of CA certificates to trust (default: VAULT_CAPATH); <see cref="VaultCaCertificateFile"/> wins.</summary>
    public string? VaultCaCertificateDirectory { get; set; }

    /// <summary>The KV v2 mount.</summary>
    public string VaultMount { get; set; } = "secret";

    /// <summary>The path under the mount, e.g. <c>mirror/</c>: secret <c>db</c> goes to <c>secret/data/mirror/db</c>.</summary>
    public string VaultPathPrefix { get; set; } = "mirror/";

    /// <summary>The field of the Vault secret that holds the value.</summary>
    public string ValueField { get; set; } = "value";

    /// <summary><c>Mirror:Auth</c>: how the mirror logs in to Vault.</summary>
    public MirrorAuthOptions Auth { get; set; } = new();

    /// <summary>The time between full passes.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Each wait is the interval plus or minus up to this fraction of it.</summary>
    public double PollJitter { get; set; } = 0.1;

    /// <summary>Shared keys of the Event Grid endpoint <c>/events</c>; empty: the endpoint is not mapped.</summary>
    public IList<string> EventKeys { get; } = [];

    /// <summary>What happens to the Vault copy of a secret that is disabled, expired or deleted in Key Vault.</summary>
    public DeletePolicy DeletePolicy { get; set; } = DeletePolicy.Keep;

    /// <summary><see cref="VaultPathPrefix"/> without a leading slash, with a trailing one (or empty).</summary>
    public string NormalizedPathPrefix =>
        VaultPathPrefix.Trim('/') is { Length: > 0 } trimmed ? trimmed + "/" : string.Empty;

    /// <summary><see cref="VaultMount"/> without leading or trailing slashes.</summary>
    public string NormalizedMount => VaultMount.Trim('/');

    /// <summary>Whether a Key Vault secret name is mirrored.</summary>
    /// <param name="name">The Key Vault secret name.</param>
    public bool IsInScope(string name) =>
        (string.IsNullOrEmpty(Prefix) || name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        && (SecretNames.Count == 0 || SecretNames.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)));
}
