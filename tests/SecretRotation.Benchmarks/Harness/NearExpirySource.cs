namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// An in-memory store of <see cref="KeyCount"/> secrets that all expire within a day; every read returns a new version
/// (and value) of each, as a store would after a rotation.
/// </summary>
internal sealed class NearExpirySource(int keyCount, TimeProvider time) : ISecretSource
{
    private int _reads;

    public string Name => "memory:near-expiry";

    public int KeyCount => keyCount;

    public Task<SecretSet> ReadAsync(SecretReadRequest request, CancellationToken cancellationToken)
    {
        var read = Interlocked.Increment(ref _reads);
        var expiresOn = time.GetUtcNow() + TimeSpan.FromDays(1);
        var entries = new KeyValuePair<string, SecretEntry>[keyCount];
        for (var key = 0; key < keyCount; key++)
        {
            var version = $"{read:x8}{key:x4}";
            entries[key] = new($"App:Secret{key:00}", new SecretEntry($"value-{version}", version, expiresOn: expiresOn));
        }

        return Task.FromResult(new SecretSet(entries));
    }

    public void Dispose()
    {
    }
}
