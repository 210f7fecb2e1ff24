namespace SecretRotation.Testing;

/// <summary>Path matching shared by the emulators' fault injection and request counting.</summary>
internal static class EmulatorPaths
{
    /// <summary>Whether <paramref name="path"/> is <paramref name="prefix"/> or lies below it, segment by segment.</summary>
    /// <param name="path">The request path.</param>
    /// <param name="prefix">The prefix; a trailing <c>/</c> is ignored, and an empty prefix matches every path.</param>
    /// <param name="comparison">How the characters are compared.</param>
    public static bool IsUnder(string path, string prefix, StringComparison comparison)
    {
        var trimmedPrefix = prefix.TrimEnd('/');
        if (trimmedPrefix.Length == 0)
        {
            return true;
        }

        return path.StartsWith(trimmedPrefix, comparison)
            && (path.Length == trimmedPrefix.Length || path[trimmedPrefix.Length] == '/');
    }
}
