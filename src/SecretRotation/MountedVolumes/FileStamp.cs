namespace SecretRotation.MountedVolumes;

/// <summary>What a poll compares before reading contents: a file's path, size and modification time.</summary>
internal readonly record struct FileStamp(string RelativePath, long Length, long LastWriteTicks);
