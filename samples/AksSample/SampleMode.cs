namespace AksSample;

/// <summary>How the app was started: which secret sources it reads, or the local demo with its own rotating volume and vault.</summary>
/// <param name="Name"><c>demo</c>, <c>mount</c>, <c>keyvault</c> or <c>mount+keyvault</c>.</param>
/// <param name="MountPath">The secret directory the app reads, or <see langword="null"/> when it reads none.</param>
/// <param name="VaultUri">The Key Vault the app reads (in the demo: the emulator's), or <see langword="null"/> when it reads none.</param>
public sealed record SampleMode(string Name, string? MountPath, string? VaultUri)
{
    public const string MountPathKey = "Secrets:MountPath";

    public bool IsDemo => Name == "demo";

    public static SampleMode Demo(string mountPath, Uri vaultUri) => new("demo", mountPath, vaultUri.AbsoluteUri);

    /// <summary>The mode for real sources: at least one of <paramref name="mountPath"/> and <paramref name="vaultUri"/> is set.</summary>
    public static SampleMode Configured(string? mountPath, Uri? vaultUri) => (mountPath, vaultUri) switch
    {
        ({ }, null) => new("mount", mountPath, null),
        (null, { }) => new("keyvault", null, vaultUri.AbsoluteUri),
        ({ }, { }) => new("mount+keyvault", mountPath, vaultUri.AbsoluteUri),
        _ => throw new ArgumentException("Set a mount path, a vault URI or both."),
    };
}
