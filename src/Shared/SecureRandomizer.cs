using System.Security.Cryptography;

namespace SecretRotation;

/// <summary>
/// The default jitter source of the packages: a number in [0, 1) from <see cref="RandomNumberGenerator"/>, which is
/// thread-safe (unlike a shared <see cref="Random"/>) and not the banned <c>Random.Shared</c>. Each type that draws jitter
/// takes a <see cref="Func{Double}"/> defaulting to <see cref="Next"/>, so tests inject their own and assert exact times.
/// </summary>
internal static class SecureRandomizer
{
    public static double Next() => RandomNumberGenerator.GetInt32(int.MaxValue) / (double)int.MaxValue;
}
