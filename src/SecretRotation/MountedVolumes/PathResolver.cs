namespace SecretRotation.MountedVolumes;

/// <summary>Resolves symbolic links the way the kernel does, to check that a link stays inside a mount.</summary>
internal static class PathResolver
{
    private const int MaxLinks = 40;

    /// <summary>
    /// The absolute path of <paramref name="path"/> with every symbolic link resolved (like <c>realpath(3)</c>).
    /// Components that do not exist are kept as they are.
    /// </summary>
    /// <exception cref="IOException">More than 40 links were followed (a loop).</exception>
    public static string GetRealPath(string path)
    {
        var full = Path.GetFullPath(path);
        if (OperatingSystem.IsWindows())
        {
            return full;
        }

        var pending = new Stack<string>(Split(full).Reverse());
        var current = "/";
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? "/";
                continue;
            }

            var candidate = Path.Join(current, part);
            var target = new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                current = candidate;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException($"Too many levels of symbolic links while resolving '{path}'.");
            }

            foreach (var targetPart in Split(target).Reverse())
            {
                pending.Push(targetPart);
            }

            if (Path.IsPathRooted(target))
            {
                current = "/";
            }
        }

        return current;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="directory"/> or lies under it (both real paths).</summary>
    public static bool IsWithin(string path, string directory)
    {
        if (string.Equals(path, directory, StringComparison.Ordinal))
        {
            return true;
        }

        var prefix = directory.EndsWith(Path.DirectorySeparatorChar) ? directory : directory + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, StringComparison.Ordinal);
    }

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
