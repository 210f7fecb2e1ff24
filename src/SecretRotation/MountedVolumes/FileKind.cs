namespace SecretRotation.MountedVolumes;

/// <summary>What a directory entry is, from the type bits of its mode (<c>S_IFMT</c>).</summary>
internal enum FileKind
{
    Regular,
    Directory,
    SymbolicLink,
    Fifo,
    Socket,
    CharacterDevice,
    BlockDevice,
    Unknown,
}
