using SecretRotation.VaultMirror.Hosting;

namespace SecretRotation.VaultMirror.Tests;

public sealed class OnceModeTests
{
    [Fact]
    public async Task OnceMirrorsAndExitsZero()
    {
        await using var harness = await MirrorHarness.StartAsync();
        harness.KeyVault.SetSecret("db", "v1");

        var exitCode = await MirrorApplication.RunAsync(HostedMirror.Arguments(harness, "--once"), HostedMirror.UseHarness(harness));

        Assert.Equal(0, exitCode);
        Assert.Equal("v1", harness.MirroredValue("db"));
    }

    [Fact]
    public async Task OnceExitsOneWhenVaultIsSealed()
    {
        await using var harness = await MirrorHarness.StartAsync();
        harness.KeyVault.SetSecret("db", "v1");
        harness.Vault.Sealed = true;

        var exitCode = await MirrorApplication.RunAsync(HostedMirror.Arguments(harness, "--once"), HostedMirror.UseHarness(harness));

        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task OnceExitsOneOnInvalidConfiguration()
    {
        await using var harness = await MirrorHarness.StartAsync();

        var exitCode = await MirrorApplication.RunAsync(["--once", "--Mirror:PollInterval=00:00:01", "--Mirror:Auth:Method=Token"], HostedMirror.UseHarness(harness));

        Assert.Equal(1, exitCode);
    }
}
