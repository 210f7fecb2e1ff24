using SecretRotation.AspNetCore.ServiceBus;

namespace SecretRotation.AspNetCore.Tests;

public sealed class SubscriptionNameTests
{
    [Theory]
    [InlineData("web-7d9f8b6c5d-x2k4p", "secret-rotation-web-7d9f8b6c5d-x2k4p")]
    [InlineData("api-0", "secret-rotation-api-0")]
    [InlineData("a.b_c", "secret-rotation-a.b_c")]
    public void AShortPodNameIsUsedAsItIs(string podName, string expected)
    {
        Assert.Equal(expected, SubscriptionNames.ForPod(podName));
    }

    [Theory]
    [InlineData("checkout-service-deployment-7d9f8b6c5d-x2k4p")]
    [InlineData("a-very-long-statefulset-name-that-kubernetes-allows-up-to-63-c-0")]
    [InlineData("x")]
    [InlineData("Web_Pod.01")]
    [InlineData("pod name with spaces/and@odd#chars?")]
    [InlineData("ünïcödé-pod")]
    [InlineData("@@@")]
    [InlineData("trailing-dash-")]
    public void EveryDerivedNameIsLegalForServiceBus(string podName)
    {
        var name = SubscriptionNames.ForPod(podName);

        Assert.True(SubscriptionNames.IsValid(name), name);
        Assert.InRange(name.Length, 1, 50);
        Assert.StartsWith("secret-rotation-", name, StringComparison.Ordinal);
        Assert.True(char.IsAsciiLetterOrDigit(name[^1]), name);
        Assert.Matches("^[a-z0-9._-]+$", name);
    }

    [Fact]
    public void ALongNameIsCutWithAHashSoItStaysStableAndDistinct()
    {
        const string first = "checkout-service-deployment-7d9f8b6c5d-x2k4p";
        const string second = "checkout-service-deployment-7d9f8b6c5d-q8w7z";

        var name = SubscriptionNames.ForPod(first);

        Assert.Equal(50, name.Length);
        Assert.Matches("^secret-rotation-checkout-service-deployme-[0-9a-f]{8}$", name);
        Assert.Equal(name, SubscriptionNames.ForPod(first));
        Assert.NotEqual(name, SubscriptionNames.ForPod(second));
    }

    [Fact]
    public void NamesThatOnlyDifferInIllegalCharactersStayDistinct()
    {
        var a = SubscriptionNames.ForPod("pod@1");
        var b = SubscriptionNames.ForPod("pod#1");

        Assert.NotEqual(a, b);
        Assert.StartsWith("secret-rotation-pod-1-", a, StringComparison.Ordinal);
        Assert.Equal(a, SubscriptionNames.ForPod("pod@1"));
    }

    [Fact]
    public void ThePodNameComesFromPodNameThenHostnameThenTheMachine()
    {
        var both = new Dictionary<string, string?> { ["POD_NAME"] = "from-downward-api", ["HOSTNAME"] = "from-hostname" };
        var hostnameOnly = new Dictionary<string, string?> { ["POD_NAME"] = " ", ["HOSTNAME"] = "from-hostname" };

        Assert.Equal("from-downward-api", SubscriptionNames.PodName(v => both.GetValueOrDefault(v)));
        Assert.Equal("from-hostname", SubscriptionNames.PodName(v => hostnameOnly.GetValueOrDefault(v)));
        Assert.Equal(Environment.MachineName, SubscriptionNames.PodName(_ => null));
    }

    [Theory]
    [InlineData("my-sub", true)]
    [InlineData("a.b_c-1", true)]
    [InlineData("", false)]
    [InlineData("with space", false)]
    [InlineData("with/slash", false)]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij", true)]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijk", false)]
    public void ExplicitNamesAreCheckedAgainstServiceBusRules(string name, bool valid)
    {
        Assert.Equal(valid, SubscriptionNames.IsValid(name));
    }
}
