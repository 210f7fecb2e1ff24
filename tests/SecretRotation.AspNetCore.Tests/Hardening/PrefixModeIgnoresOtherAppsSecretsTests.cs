using SecretRotation.Testing;

namespace SecretRotation.AspNetCore.Tests.Hardening;

/// <summary>With a prefix, events for secrets the source would never include cost no request and are answered 200.</summary>
public sealed class PrefixModeIgnoresOtherAppsSecretsTests
{
    [Theory]
    [InlineData("newsecret")]
    [InlineData("otherapp--x")]
    public async Task AnEventForAnotherAppsSecretCostsNoRequestAndIsAnsweredOk(string foreignName)
    {
        await using var host = await EventsHost.StartAsync(
            seed: vault =>
            {
                vault.SetSecret("app--Db--Password", "mine-1");
                vault.SetSecret(foreignName, "theirs");

                // Per-secret RBAC: this app may read only its own secrets.
                vault.DenyPermission(KeyVaultSecretAccess.Get, foreignName);
            },
            source: s => s.Prefix = "app--");
        var deliverer = new EventGridDeliverer(host.Client, new Uri("/events", UriKind.Relative), new EventGridDeliveryOptions
        {
            QueryString = $"code={EventsHost.Key}",
            MaxAttempts = 1,
        });
        var foreignVersion = host.Vault.SetSecret(foreignName, "theirs-2");

        var foreign = await deliverer.DeliverAsync(KeyVaultEvents.SecretNewVersionCreated("vault", foreignName, foreignVersion, new KeyVaultEventOptions { VaultUri = host.Vault.VaultUri }));

        Assert.True(foreign.Delivered);
        Assert.All(foreign.Attempts, attempt => Assert.Equal(200, attempt.StatusCode));
        Assert.DoesNotContain(host.Vault.Requests, r => r.IsAuthenticated);
        Assert.Equal(0, host.Reloads);

        // The source's own secrets still follow their events.
        var mine = host.Vault.SetSecret("app--Db--Password", "mine-2");
        var own = await deliverer.DeliverAsync(KeyVaultEvents.SecretNewVersionCreated("vault", "app--Db--Password", mine, new KeyVaultEventOptions { VaultUri = host.Vault.VaultUri }));

        Assert.True(own.Delivered);
        Assert.Equal("mine-2", host.Configuration["Db:Password"]);
        Assert.Equal(1, host.Gets());
        Assert.Equal(0, host.Gets(foreignName));
    }
}
