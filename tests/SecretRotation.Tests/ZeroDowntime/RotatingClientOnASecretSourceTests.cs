using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SecretRotation.RotatingClients;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Tests.ZeroDowntime;

/// <summary>The pieces together: a kubelet-style volume rotation rebuilds the client, and the history keeps the old password.</summary>
public sealed class RotatingClientOnASecretSourceTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AVolumeRotationRebuildsTheClientAndKeepsThePreviousPasswordForTheWindow()
    {
        var volume = _directory.Combine("db");
        var writer = new KubernetesVolumeWriter(volume);
        writer.Write(new Dictionary<string, string> { ["User"] = "app", ["Password"] = "first" });
        using var configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .AddMountedSecrets(volume, source =>
            {
                source.KeyPrefix = "Db";
                source.PreviousValueWindow = TimeSpan.FromMinutes(10);
            })
            .Build();
        var built = new List<TestClient>();
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSecretRotation()
            .AddRotatingClient("Db", (_, section) =>
            {
                lock (built)
                {
                    built.Add(new TestClient(section["Password"], built.Count + 1));
                    return built[^1];
                }
            })
            .BuildServiceProvider();
        var client = (RotatingClient<TestClient>)services.GetRequiredService<IRotatingClient<TestClient>>();
        var history = services.GetRequiredService<ISecretHistory>();
        var lease = client.Lease();

        writer.Write(new Dictionary<string, string> { ["User"] = "app", ["Password"] = "second" });
        await configuration.GetSecretRefreshers().Single().RefreshAsync();
        await client.WhenSettledAsync().WithTimeout("the rebuild");

        Assert.Equal(2, client.Generation);
        Assert.Equal("second", client.Current.Password);
        Assert.True(history.TryGetPrevious("Db:Password", out var previous, out _));
        Assert.Equal("first", previous);
        Assert.False(history.TryGetPrevious("Db:User", out _, out _));

        // The leased first instance is still usable, and is disposed once the lease ends.
        lease.Client.Use();
        lease.Dispose();
        await built[0].Disposed.WithTimeout("the first instance to drain");
        Assert.False(client.Current.IsDisposed);
    }
}
