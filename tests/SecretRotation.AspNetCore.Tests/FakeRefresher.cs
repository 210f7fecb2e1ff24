using Microsoft.Extensions.Configuration;

namespace SecretRotation.AspNetCore.Tests;

/// <summary>A configuration provider that is also an <see cref="ISecretRefresher"/>, so <c>GetSecretRefreshers()</c> finds it.</summary>
internal sealed class FakeRefresher(SecretSourceStatus status) : ConfigurationProvider, ISecretRefresher
{
    public SecretSourceStatus Status { get; set; } = status;

    public string SourceName => Status.SourceName;

    public static FakeRefresher Loaded(string name, DateTimeOffset lastSuccess, bool optional = false, int failures = 0, string? lastError = null, params string[] nearExpiry) =>
        new(new SecretSourceStatus(name, optional, true, 2, lastSuccess, failures > 0 ? lastSuccess : null, failures, lastError, nearExpiry));

    public static FakeRefresher NeverLoaded(string name, bool optional, int failures = 1) =>
        new(new SecretSourceStatus(name, optional, false, 0, null, DateTimeOffset.UnixEpoch, failures, "the store could not be reached", []));

    public Task RefreshAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<bool> TryRefreshAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    public Task<bool> RefreshAsync(SecretChangeNotice notice, CancellationToken cancellationToken = default) => Task.FromResult(false);
}
