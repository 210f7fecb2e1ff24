namespace SecretRotation.Tests.Engine.Parts;

public sealed class SecretSourceStatusTests
{
    [Fact]
    public void ToStringNamesAtMostTenKeysNearExpiryAndCountsTheRest()
    {
        var keys = Enumerable.Range(0, 2_000).Select(i => $"Key{i:D4}").ToArray();
        var status = new SecretSourceStatus("keyvault:big", false, true, 2_000, null, null, 0, null, keys);

        var text = status.ToString();

        Assert.Contains("Key0009, +1990 more]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Key0010", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToStringNamesEveryKeyNearExpiryUpToTen()
    {
        var status = new SecretSourceStatus("volume:/mnt", false, true, 3, null, null, 0, null, ["a", "b"]);

        Assert.EndsWith("nearExpiry=[a, b]", status.ToString(), StringComparison.Ordinal);
    }
}
