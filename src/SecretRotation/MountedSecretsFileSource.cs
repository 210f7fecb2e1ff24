using SecretRotation.MountedVolumes;

namespace SecretRotation;

/// <summary>
/// One secrets file rendered by Vault Agent or consul-template (JSON or <c>KEY=VALUE</c> lines), reloaded when the file
/// is replaced by a rename, rewritten in place, or swapped by the kubelet's <c>..data</c> link.
/// </summary>
public sealed class MountedSecretsFileSource : SecretConfigurationSource
{
    /// <summary>Creates a source with a 10-second polling fallback.</summary>
    public MountedSecretsFileSource()
    {
        PollInterval = TimeSpan.FromSeconds(10);
    }

    /// <summary>The file to read, e.g. <c>/vault/secrets/app.json</c>. Required.</summary>
    public string? Path { get; set; }

    /// <summary>The file's format.</summary>
    /// <value>Default <see cref="RenderedSecretsFormat.Auto"/> (from the extension).</value>
    public RenderedSecretsFormat Format { get; set; }

    /// <summary>A section to put every key under, e.g. <c>Db</c>.</summary>
    /// <value>Default none.</value>
    public string? KeyPrefix { get; set; }

    /// <summary>Whether to watch the file's directory with inotify; the polling fallback stays on either way.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool UseFileWatcher { get; set; } = true;

    /// <summary>A file larger than this fails the read (the last good data is kept).</summary>
    /// <value>Default 1 MiB; from 1 byte to <see cref="MountedSecretsSource.MaxFileSizeLimit"/> (256 MiB).</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above <see cref="MountedSecretsSource.MaxFileSizeLimit"/>.</exception>
    public long MaxFileSize
    {
        get;
        set => field = MountedPathKind.ValidateMaxFileSize(value, nameof(MaxFileSize));
    } = MountedSecretsSource.DefaultMaxFileSize;

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><see cref="Path"/> is not set, or names a directory (use <c>AddMountedSecrets</c> for a
    /// key-per-file directory); this is thrown even when the source is <see cref="SecretConfigurationSource.Optional"/>.</exception>
    protected override ISecretSource CreateSecretSource()
    {
        MountedPathKind.ValidateSourcePath(Path, nameof(Path), wantDirectory: false, "MountedSecretsFileSource.Path must name the rendered secrets file.");
        if (!Enum.IsDefined(Format))
        {
            throw new ArgumentOutOfRangeException(nameof(Format), Format, "Unknown rendered secrets format.");
        }

        return new RenderedSecretsFileReader(this);
    }
}
