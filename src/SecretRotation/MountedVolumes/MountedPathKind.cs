namespace SecretRotation.MountedVolumes;

/// <summary>
/// The messages for a path of the wrong kind: a file given to <c>AddMountedSecrets</c> (which reads a directory) or a
/// directory given to <c>AddMountedSecretsFile</c> (which reads one file). Each names the call that fits.
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
}
