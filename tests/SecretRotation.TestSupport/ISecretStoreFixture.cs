using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace SecretRotation.TestSupport;

/// <summary>
/// One kind of store (a volume, an emulated Key Vault, an emulated Vault) as the conformance tests drive it.
/// Keys are configuration keys as the source under test maps them.
/// </summary>
public interface ISecretStoreFixture : IAsyncDisposable
{
    /// <summary>Words the exception for a missing store must contain (a path, a status).</summary>
    string MissingStoreDescription { get; }

    /// <summary>Makes <paramref name="secrets"/> the store's whole content, the way the real writer of such a store does.</summary>
    Task PublishAsync(IReadOnlyDictionary<string, string> secrets);

    /// <summary>Updates the store without changing any value (same bytes rewritten, a no-op update).</summary>
    Task TouchAsync();

    /// <summary>Makes reads fail until <see cref="RestoreAsync"/>.</summary>
    Task BreakAsync();

    /// <summary>Undoes <see cref="BreakAsync"/>.</summary>
    Task RestoreAsync();

    /// <summary>Adds a source that reads this store.</summary>
    void AddSource(IConfigurationBuilder builder, bool optional, ILoggerFactory loggerFactory);

    /// <summary>Adds a source for a store that does not exist.</summary>
    void AddMissingSource(IConfigurationBuilder builder, bool optional, ILoggerFactory loggerFactory);
}
