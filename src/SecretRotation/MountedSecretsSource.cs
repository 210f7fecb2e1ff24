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

    /// <summary>The largest <see cref="MaxFileSize"/> accepted: 256 MiB (a file is read whole into memory).</summary>
    public const long MaxFileSizeLimit = 256L * 1024 * 1024;

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
    /// Whether to watch the directory with inotify (the kubelet's <c>..data</c> rename is read at once, other events after
    /// <see cref="SecretConfigurationSource.DebounceWindow"/>). The polling fallback
    /// (<see cref="SecretConfigurationSource.PollInterval"/>, which on a kubelet volume reads only the <c>..data</c> link and
    /// elsewhere compares file sizes and times before reading contents) stays on either way, for NFS, SMB and FUSE mounts
    /// where inotify never fires.
    /// </summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool UseFileWatcher { get; set; } = true;

    /// <summary>Files larger than this are skipped with a warning.</summary>
    /// <value>Default <see cref="DefaultMaxFileSize"/> (1 MiB); from 1 byte to <see cref="MaxFileSizeLimit"/> (256 MiB).</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above <see cref="MaxFileSizeLimit"/>.</exception>
    public long MaxFileSize
    {
        get;
        set => field = MountedPathKind.ValidateMaxFileSize(value, nameof(MaxFileSize));
    } = DefaultMaxFileSize;

    /// <summary>Whether to trim one trailing <c>\n</c> (or <c>\r\n</c>), as files written with <c>echo</c> carry one.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool TrimTrailingNewline { get; set; } = true;

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><see cref="Path"/> is not set, or names a file (use <c>AddMountedSecretsFile</c> for one
    /// file); this is thrown even when the source is <see cref="SecretConfigurationSource.Optional"/>.</exception>
    protected override ISecretSource CreateSecretSource()
    {
        MountedPathKind.ValidateSourcePath(Path, nameof(Path), wantDirectory: true, "MountedSecretsSource.Path must name the secret directory.");
        return new MountedSecretsReader(this);
    }
}
