using System.Runtime.Versioning;
using SecretRotation.Cli.Watch;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Cli.Tests;

/// <summary><c>watch</c>: the initial state, then each reload with the changed keys and fingerprints, never a value.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class WatchTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    private string Volume => _directory.Combine("volume");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AKubeletSwapPrintsOneReloadWithTheChangedKeyAndItsFingerprint()
    {
        var writer = new KubernetesVolumeWriter(Volume);
        writer.Write(new Dictionary<string, string> { ["Password"] = "first-password-value", ["User"] = "app-user" });
        var harness = new CliHarness();

        var run = harness.RunAsync(["watch", "--volume", Volume, "--max-events", "1", "--timeout", "60s"]);
        await harness.Out.WaitForAsync(ConfigurationWatcher.WatchingLine).WithTimeout("the initial state");
        writer.Write(new Dictionary<string, string> { ["Password"] = "second-password-value", ["User"] = "app-user" });
        var result = await run.WithTimeout("one reload");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains(lines, line => line.Contains("initial", StringComparison.Ordinal) && line.Contains("(2 keys)", StringComparison.Ordinal));
        Assert.Contains($"Password  {Fingerprint.Of("first-password-value")}", result.Out, StringComparison.Ordinal);
        Assert.Contains($"User      {Fingerprint.Of("app-user")}", result.Out, StringComparison.Ordinal);
        var reload = Assert.Single(lines, line => line.Contains("reload 1", StringComparison.Ordinal));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z  reload 1  .+  \(1 key changed\)$", reload);
        Assert.Contains($"~ Password  {Fingerprint.Of("first-password-value")} -> {Fingerprint.Of("second-password-value")}", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("~ User", result.Out, StringComparison.Ordinal);
        foreach (var value in new[] { "first-password-value", "second-password-value", "app-user" })
        {
            Assert.DoesNotContain(value, result.Out + result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AVolumeAndAVaultPathTogetherNameTheSourceThatChanged()
    {
        await using var vault = await VaultEmulator.StartAsync();
        vault.WriteKv("secret/myapp/db", new Dictionary<string, object?> { ["password"] = "vault-one" });
        var writer = new KubernetesVolumeWriter(Volume);
        writer.Write(new Dictionary<string, string> { ["ApiKey"] = "volume-one" });
        var harness = new CliHarness
        {
            Environment = { ["VAULT_ADDR"] = vault.Address.ToString(), ["VAULT_TOKEN"] = vault.RootToken },
            VaultHandler = vault.CreateTrustingHandler,
        };

        var run = harness.RunAsync(
            ["watch", "--volume", Volume, "--vault-path", "secret/myapp/db=Db", "--poll-interval", "1s", "--max-events", "1", "--timeout", "60s"]);
        await harness.Out.WaitForAsync(ConfigurationWatcher.WatchingLine).WithTimeout("the initial state");
        vault.WriteKv("secret/myapp/db", new Dictionary<string, object?> { ["password"] = "vault-two" });
        var result = await run.WithTimeout("one reload");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Db:password  {Fingerprint.Of("vault-one")}", result.Out, StringComparison.Ordinal);
        Assert.Contains($"ApiKey  {Fingerprint.Of("volume-one")}", result.Out, StringComparison.Ordinal);
        var reload = Assert.Single(result.Out.Split('\n'), line => line.Contains("reload 1", StringComparison.Ordinal));
        Assert.Contains("vault", reload, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"~ Db:password  {Fingerprint.Of("vault-one")} -> {Fingerprint.Of("vault-two")}", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("vault-two", result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATimeoutWithoutReloadsStopsCleanlyUnlessReloadsWereExpected()
    {
        new KubernetesVolumeWriter(Volume).Write(new Dictionary<string, string> { ["Password"] = "p" });

        var plain = await new CliHarness().RunAsync(["watch", "--volume", Volume, "--timeout", "200ms"]);
        var expecting = await new CliHarness().RunAsync(["watch", "--volume", Volume, "--timeout", "200ms", "--max-events", "1"]);

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains("Stopped after 200ms with 0 reloads.", plain.Out, StringComparison.Ordinal);
        Assert.Equal(1, expecting.ExitCode);
        Assert.Contains("timed out after 200ms: saw 0 reloads of the 1 asked for with --max-events", expecting.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CtrlCStopsWithExitCodeZero()
    {
        new KubernetesVolumeWriter(Volume).Write(new Dictionary<string, string> { ["Password"] = "p" });
        var harness = new CliHarness();
        using var stop = new CancellationTokenSource();

        var run = harness.RunAsync(["watch", "--volume", Volume], stop.Token);
        await harness.Out.WaitForAsync(ConfigurationWatcher.WatchingLine).WithTimeout("the initial state");
        await stop.CancelAsync();
        var result = await run.WithTimeout("the watch to stop");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Stopped after 0 reloads.", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingVolumeFailsWithTheSourcesMessage()
    {
        var result = await new CliHarness().RunAsync(["watch", "--volume", _directory.Combine("missing"), "--timeout", "5s"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("missing", result.Error, StringComparison.Ordinal);
    }
}
