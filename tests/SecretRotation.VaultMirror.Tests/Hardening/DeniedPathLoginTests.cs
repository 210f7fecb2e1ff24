using SecretRotation.HashiCorpVault.Auth;
using SecretRotation.TestSupport;

namespace SecretRotation.VaultMirror.Tests.Hardening;

/// <summary>
/// A policy that denies the mirror one path fails that secret alone: the token is still valid, so logging in again would
/// only cost a login per denied path at every pass. A dead token is still replaced.
/// </summary>
public sealed class DeniedPathLoginTests
{
    [Fact]
    public async Task APathThePolicyDeniesCostsNoNewLoginAndTheOtherSecretsAreStillMirrored()
    {
        await using var harness = await MirrorHarness.StartAsync();
        using var directory = new TemporaryDirectory();
        var jwt = Path.Combine(directory.Path, "token");
        await File.WriteAllTextAsync(jwt, "mirror-jwt");
        harness.Vault.SetPolicy("mirror", "secret/data/mirror/*", "secret/metadata/mirror/*");
        harness.Vault.AddKubernetesRole("mirror", "mirror-jwt", TimeSpan.FromHours(1), TimeSpan.FromHours(24), ["mirror"]);
        harness.KeyVault.SetSecret("db", "db-1");
        harness.KeyVault.SetSecret("api", "api-1");
        var reconciler = harness.CreateReconciler(auth: new KubernetesAuth("mirror", "kubernetes", jwt));
        Assert.True((await reconciler.ReconcileAllAsync(CancellationToken.None)).Succeeded);

        // The policy now grants everything but the db secret.
        harness.Vault.SetPolicy("mirror", "secret/data/mirror/api", "secret/metadata/mirror/api", "secret/metadata/mirror/");
        harness.KeyVault.SetSecret("db", "db-2");
        harness.KeyVault.SetSecret("api", "api-2");
        harness.Vault.ClearRequests();
        var passes = new List<bool>();
        for (var pass = 0; pass < 5; pass++)
        {
            harness.Time.Advance(TimeSpan.FromMinutes(5));
            passes.Add((await reconciler.ReconcileAllAsync(CancellationToken.None)).Succeeded);
        }

        Assert.All(passes, Assert.False);
        Assert.Equal(0, harness.Vault.CountRequests("POST", "auth/kubernetes/login"));
        Assert.Equal("api-2", harness.MirroredValue("api"));
        Assert.Equal("db-1", harness.MirroredValue("db"));
    }

    [Fact]
    public async Task ARevokedTokenIsReplacedByOneLoginAndThePassSucceeds()
    {
        await using var harness = await MirrorHarness.StartAsync();
        using var directory = new TemporaryDirectory();
        var jwt = Path.Combine(directory.Path, "token");
        await File.WriteAllTextAsync(jwt, "mirror-jwt");
        harness.Vault.SetPolicy("mirror", "secret/data/mirror/*", "secret/metadata/mirror/*");
        harness.Vault.AddKubernetesRole("mirror", "mirror-jwt", TimeSpan.FromHours(1), TimeSpan.FromHours(24), ["mirror"]);
        harness.KeyVault.SetSecret("db", "db-1");
        var reconciler = harness.CreateReconciler(auth: new KubernetesAuth("mirror", "kubernetes", jwt));
        Assert.True((await reconciler.ReconcileAllAsync(CancellationToken.None)).Succeeded);
        var accessor = harness.Vault.Requests.Last(r => r.Path.StartsWith("secret/", StringComparison.Ordinal)).TokenAccessor;

        Assert.True(harness.Vault.RevokeTokenByAccessor(accessor));
        harness.KeyVault.SetSecret("db", "db-2");
        harness.Vault.ClearRequests();
        harness.Time.Advance(TimeSpan.FromMinutes(5));

        Assert.True((await reconciler.ReconcileAllAsync(CancellationToken.None)).Succeeded);
        Assert.Equal(1, harness.Vault.CountRequests("POST", "auth/kubernetes/login"));
        Assert.Equal("db-2", harness.MirroredValue("db"));
    }
}
