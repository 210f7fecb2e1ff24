using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using SecretRotation.Cli.Watch;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Cli.Tests.Hardening;

/// <summary>Fingerprints compare within one run, but a printed one cannot be reversed by hashing guesses (4821, admin, Summer2024!).</summary>
[UnsupportedOSPlatform("windows")]
public sealed class FingerprintTests : IDisposable
{
    private static readonly string[] WeakSecrets = ["4821", "admin", "Summer2024!"];

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void TheSameValueHasTheSameFingerprintWithinAProcessAndDifferentValuesDiffer()
    {
        Assert.Equal(Fingerprint.Of("Summer2024!"), Fingerprint.Of("Summer2024!"));
        Assert.NotEqual(Fingerprint.Of("Summer2024!"), Fingerprint.Of("Summer2025!"));
        Assert.NotEqual(Fingerprint.Of("4821"), Fingerprint.Of("4822"));
    }

    [Fact]
    public void ADictionaryAttackWithSha256FindsNoWeakSecret()
    {
        // The attack that recovered these in 2.3 s: hash every guess, keep the 12-hex prefix, look the printed fingerprint up.
        var dictionary = Enumerable.Range(0, 10_000).Select(pin => pin.ToString("D4", System.Globalization.CultureInfo.InvariantCulture))
            .Concat(["admin", "password", "Summer2024!", "letmein"])
            .ToLookup(Sha256Prefix);

        foreach (var secret in WeakSecrets)
        {
            var printed = Fingerprint.Of(secret);
            Assert.NotEqual(Sha256Prefix(secret), printed);
            Assert.Empty(dictionary[printed]);
        }
    }

    [Fact]
    public void TwoKeysGiveDifferentFingerprintsOfTheSameValue()
    {
        var one = RandomNumberGenerator.GetBytes(Fingerprint.KeySize);
        var other = RandomNumberGenerator.GetBytes(Fingerprint.KeySize);

        foreach (var secret in WeakSecrets)
        {
            Assert.Equal(Fingerprint.Of(secret, one), Fingerprint.Of(secret, one));
            Assert.NotEqual(Fingerprint.Of(secret, one), Fingerprint.Of(secret, other));
        }
    }

    [Fact]
    public async Task WatchPrintsNoSha256PrefixOfAValue()
    {
        var volume = _directory.Combine("volume");
        var writer = new KubernetesVolumeWriter(volume);
        writer.Write(new Dictionary<string, string> { ["Pin"] = "4821", ["User"] = "admin", ["Password"] = "Summer2024!" });
        var harness = new CliHarness();

        var run = harness.RunAsync(["watch", "--volume", volume, "--max-events", "1", "--timeout", "60s"]);
        await harness.Out.WaitForAsync(ConfigurationWatcher.WatchingLine).WithTimeout("the initial state");
        writer.Write(new Dictionary<string, string> { ["Pin"] = "4822", ["User"] = "admin", ["Password"] = "Summer2024!" });
        var result = await run.WithTimeout("one reload");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"~ Pin  {Fingerprint.Of("4821")} -> {Fingerprint.Of("4822")}", result.Out, StringComparison.Ordinal);
        foreach (var secret in WeakSecrets.Append("4822"))
        {
            Assert.DoesNotContain(Sha256Prefix(secret), result.Out, StringComparison.Ordinal);
        }
    }

    private static string Sha256Prefix(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..Fingerprint.Length];
}
