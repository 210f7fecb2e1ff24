namespace SecretRotation.MountedVolumes;

/// <summary>
/// The checks and messages for a path of the wrong kind: a file given to <c>AddMountedSecrets</c> (which reads a
/// directory) or a directory given to <c>AddMountedSecretsFile</c> (which reads one file). Each message names the call
/// that fits.
/// </summary>
internal static class MountedPathKind
{
    public static string FileGivenForDirectory(string path) =>
        $"'{path}' is a file, not a directory. AddMountedSecrets reads a directory with one file per key (a Kubernetes secret "
        + $"volume or a CSI mount); to read one rendered file (JSON or KEY=VALUE lines), use AddMountedSecretsFile(\"{path}\"), "
        + "or pass the directory that holds the file.";

    public static string DirectoryGivenForFile(string path) =>
        $"'{path}' is a directory, not a file. AddMountedSecretsFile reads one rendered file (JSON or KEY=VALUE lines); to read "
        + $"a directory with one file per key, use AddMountedSecrets(\"{path}\").";

    /// <summary>When a source is built: the path is set and, if it exists, of the right kind.</summary>
    /// <remarks>A path of the wrong kind is a mistake in the code, not a mount that comes later: it fails even when Optional.</remarks>
    /// <exception cref="ArgumentException">The path is not set, or names the wrong kind.</exception>
    public static void ValidateSourcePath(string? path, string propertyName, bool wantDirectory, string missingMessage)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException(missingMessage, propertyName);
        }

        if (wantDirectory ? File.Exists(path) : Directory.Exists(path))
        {
            var fullPath = Path.GetFullPath(path);
            throw new ArgumentException(wantDirectory ? FileGivenForDirectory(fullPath) : DirectoryGivenForFile(fullPath), propertyName);
        }
    }

    /// <summary>Before a read: the path exists and is of the right kind.</summary>
    /// <exception cref="IOException">The path names the wrong kind.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist (not mounted, or unmounted).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static void ThrowIfMissingOrWrongKind(string path, bool wantDirectory)
    {
        if (wantDirectory ? Directory.Exists(path) : File.Exists(path))
        {
            return;
        }

        if (wantDirectory ? File.Exists(path) : Directory.Exists(path))
        {
            throw new IOException(wantDirectory ? FileGivenForDirectory(path) : DirectoryGivenForFile(path));
        }

        throw wantDirectory
            ? new DirectoryNotFoundException($"The secret directory '{path}' does not exist (not mounted, or unmounted).")
            : new FileNotFoundException($"The rendered secrets file '{path}' does not exist.");
    }

    /// <summary>Checks a <c>MaxFileSize</c> (of either mounted source) where it is set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above <see cref="MountedSecretsSource.MaxFileSizeLimit"/>.</exception>
    public static long ValidateMaxFileSize(long value, string propertyName) =>
        value is >= 1 and <= MountedSecretsSource.MaxFileSizeLimit
            ? value
            : throw new ArgumentOutOfRangeException(propertyName, value, $"MaxFileSize must be between 1 and {MountedSecretsSource.MaxFileSizeLimit} bytes (256 MiB).");
}
