namespace SecretRotation.Benchmarks.Harness;

/// <summary>Timed initial loads of one variant (how cold the client and the emulator are), parallel and sequential.</summary>
/// <param name="Variant">What each Build started from.</param>
/// <param name="ParallelConcurrency">The MaxConcurrency of the parallel builds (the default).</param>
/// <param name="Parallel">The parallel builds, in order.</param>
/// <param name="Sequential">The sequential builds (MaxConcurrency 1), in order.</param>
internal sealed record LoadComparison(string Variant, int ParallelConcurrency, List<LoadSample> Parallel, List<LoadSample> Sequential);
