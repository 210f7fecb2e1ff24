using SecretRotation.MountedVolumes;

namespace SecretRotation;

/// <summary>
/// A key-per-file secret directory: a Kubernetes secret volume, a Secrets Store CSI driver mount, or a directory Vault
/// Agent writes into. Each file is one key; <c>__</c> and sub-folders map to <c>:</c>; dot-named entries are never keys.
/// </summary>
public sealed class MountedSecretsSource : SecretConfigurationSource
{
    /// <summary>The default size cap: 1 MiB, the Kubernetes Secret limit.</summary>
    public const long DefaultMaxFileSize = 1024 * 1024;

    /// <summary>Creates a source with a 10-second polling fallback.</summary>
    public MountedSecretsSource()
    {
        PollInterval = TimeSpan.FromSeconds(10);
    }

    /// <summary>The directory to read, e.g. <c>/mnt/secrets</c>. Required.</summary>
    public string? Path { get; set; }

    /// <summary>A section to put every key under, e.g. <c>Db</c> makes the file <c>password</c> the key <c>Db:password</c>.</summary>
    /// <value>Default none.</value>
    public string? KeyPrefix { get; set; }

    /// <summary>
    /// Whether to watch the directory with inotify. The polling fallback (<see cref="SecretConfigurationSource.PollInterval"/>,
    /// which compares the <c>..data</c> target and file sizes and times before reading contents) stays on either way, for NFS,
    /// SMB and FUSE mounts where inotify never fires.
    /// </summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool UseFileWatcher { get; set; } = true;

    /// <summary>Files larger than this are skipped with a warning.</summary>
    /// <value>Default <see cref="DefaultMaxFileSize"/> (1 MiB).</value>
    public long MaxFileSize { get; set; } = DefaultMaxFileSize;

    /// <summary>Whether to trim one trailing <c>\n</c> (or <c>\r\n</c>), as files written with <c>echo</c> carry one.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool TrimTrailingNewline { get; set; } = true;

    /// <inheritdoc />
    protected override ISecretSource CreateSecretSource()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            throw new ArgumentException("MountedSecretsSource.Path must name the secret directory.", nameof(Path));
        }

        if (MaxFileSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFileSize), MaxFileSize, "MaxFileSize must be positive.");
        }

        return new MountedSecretsReader(this);
    }
}
