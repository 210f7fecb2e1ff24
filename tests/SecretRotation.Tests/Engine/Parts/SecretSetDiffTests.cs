using SecretRotation.Engine;

namespace SecretRotation.Tests.Engine.Parts;

public sealed class SecretSetDiffTests
{
    private static readonly SecretSet Previous = Set(E("b", "2"), E("a", "1"), E("c", "3"), E("Same", "s", "v1"));

    // "A" differs from "a" only in case (the same key); "b" has a new value; "c" is gone; "d" is new; "Same" has a new
    // version but the same value.
    private static readonly SecretSet Next = Set(E("A", "1"), E("b", "two"), E("d", "4"), E("same", "s", "v2"));

    [Fact]
    public void ChangedAddedAndRemovedKeysAreFoundApart()
    {
        Assert.Equal(["b"], SecretSetDiff.Changed(Previous, Next));
        Assert.Equal(["d"], SecretSetDiff.Added(Previous, Next));
        Assert.Equal(["c"], SecretSetDiff.Removed(Previous, Next));
    }

    [Fact]
    public void AllIsTheSortedUnion()
    {
        Assert.Equal(["b", "c", "d"], SecretSetDiff.All(Previous, Next));
        Assert.Equal(["b", "c", "d"], SecretSetDiff.All(Next, Previous));
    }

    [Fact]
    public void KeysAreSortedIgnoringCase()
    {
        var next = Set(E("Zeta", "1"), E("alpha", "1"), E("Beta", "1"));

        Assert.Equal(["alpha", "Beta", "Zeta"], SecretSetDiff.Added(SecretSet.Empty, next));
        Assert.Equal(["alpha", "Beta", "Zeta"], SecretSetDiff.Removed(next, SecretSet.Empty));
    }

    [Fact]
    public void EqualSetsDifferInNothing()
    {
        Assert.Empty(SecretSetDiff.All(Previous, Set(E("a", "1"), E("B", "2"), E("c", "3"), E("same", "s"))));
        Assert.Empty(SecretSetDiff.All(SecretSet.Empty, SecretSet.Empty));
    }

    [Fact]
    public void ValuesCompareOrdinally()
    {
        Assert.Equal(["a"], SecretSetDiff.Changed(Set(E("a", "secret")), Set(E("a", "Secret"))));
    }

    private static SecretSet Set(params KeyValuePair<string, SecretEntry>[] entries) => new(entries);

    private static KeyValuePair<string, SecretEntry> E(string key, string value, string? version = null) =>
        new(key, new SecretEntry(value, version));
}
