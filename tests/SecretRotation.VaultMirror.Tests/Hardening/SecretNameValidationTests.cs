using Microsoft.Extensions.DependencyInjection;
using SecretRotation.Testing;
using SecretRotation.TestSupport;
using SecretRotation.VaultMirror.Hosting;
using SecretRotation.VaultMirror.Mirroring;

namespace SecretRotation.VaultMirror.Tests.Hardening;

/// <summary>A secret name Key Vault cannot hold never becomes a Vault path: the event is refused, and so is the name.</summary>
public sealed class SecretNameValidationTests
{
    [Theory]
    [InlineData("../team-b/db")]
    [InlineData("db/../../team-b/db")]
    [InlineData("..%2Fteam-b%2Fdb")]
    public async Task AnEventNamingAPathOutsideThePrefixGets400AndVaultSeesNoRequestOutsideIt(string objectName)
    {
        await using var harness = await MirrorHarness.StartAsync();
        harness.KeyVault.SetSecret("db", "team-a's");
        harness.Vault.WriteKv("secret/team-b/db", new Dictionary<string, object?> { ["value"] = "team-b's" });
        await using var app = MirrorApplication.Build(HostedMirror.Arguments(harness, "--Mirror:VaultPathPrefix=team-a/"), once: false, HostedMirror.UseHarness(harness));
        await app.StartAsync();
        await app.Services.GetRequiredService<MirrorStatus>().FirstPass.WithTimeout("the first pass");
        harness.Vault.ClearRequests();
        harness.KeyVault.ClearRequests();

        using var http = new HttpClient();
        var deliverer = new EventGridDeliverer(http, new Uri($"{app.Urls.First()}/events?code={HostedMirror.EventKey}"));
        var result = await deliverer.DeliverAsync(
            KeyVaultEvents.SecretNewVersionCreated("vault", objectName, "0123456789abcdef0123456789abcdef", new KeyVaultEventOptions { VaultUri = harness.KeyVault.VaultUri }));

        Assert.Equal(400, result.Attempts.Single().StatusCode);
        Assert.DoesNotContain(harness.Vault.Requests, r => r.Path.Contains("team-b", StringComparison.Ordinal));
        Assert.DoesNotContain(harness.Vault.Requests, r => r.Path.StartsWith("secret/", StringComparison.Ordinal));
        Assert.Equal(0, harness.KeyVaultGets);
        await app.StopAsync();
    }

    [Theory]
    [InlineData("../team-b/db")]
    [InlineData("team-b/db")]
    [InlineData("db\r\nforged log line")]
    [InlineData("")]
    public async Task TheReconcilerRefusesANameKeyVaultCannotHoldWithoutEchoingIt(string name)
    {
        await using var harness = await MirrorHarness.StartAsync();
        harness.Options.VaultPathPrefix = "team-a/";
        harness.Vault.WriteKv("secret/team-b/db", new Dictionary<string, object?> { ["value"] = "team-b's" });
        var reconciler = harness.CreateReconciler();
        harness.Vault.ClearRequests();

        var outcome = await reconciler.ReconcileSecretAsync(name, versionHint: null, CancellationToken.None);

        Assert.Equal(MirrorOutcome.Ignored, outcome);
        Assert.DoesNotContain(harness.Vault.Requests, r => r.Path.StartsWith("secret/", StringComparison.Ordinal));
        Assert.Equal(0, harness.KeyVaultGets);
        var refusal = Assert.Single(harness.Logs.Entries, e => e.EventId.Id == 415);
        if (name.Length > 0)
        {
            Assert.DoesNotContain(name, refusal.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("\n", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANameOfMaximumLengthIsMirroredAndOneCharacterMoreIsRefused()
    {
        await using var harness = await MirrorHarness.StartAsync();
        var longest = new string('a', 127);
        harness.KeyVault.SetSecret(longest, "v");
        var reconciler = harness.CreateReconciler();

        Assert.Equal(MirrorOutcome.Mirrored, await reconciler.ReconcileSecretAsync(longest, versionHint: null, CancellationToken.None));
        Assert.Equal(MirrorOutcome.Ignored, await reconciler.ReconcileSecretAsync(longest + "a", versionHint: null, CancellationToken.None));
        Assert.Equal("v", harness.MirroredValue(longest));
    }

    [Fact]
    public async Task EveryVaultPathSegmentIsEscaped()
    {
        await using var harness = await MirrorHarness.StartAsync();
        harness.Options.VaultPathPrefix = "odd#prefix?x/";
        harness.KeyVault.SetSecret("db", "v");

        var result = await harness.CreateReconciler().ReconcileAllAsync(CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(1, result.Mirrored);
        Assert.Equal("v", harness.Vault.ReadKv("secret/odd#prefix?x/db")?.GetProperty("value").GetString());
    }
}
