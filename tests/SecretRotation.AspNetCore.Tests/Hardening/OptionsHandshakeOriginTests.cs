using SecretRotation.TestSupport;

namespace SecretRotation.AspNetCore.Tests.Hardening;

/// <summary>The CloudEvents OPTIONS handshake grants only an origin that looks like a host name, over a real Kestrel socket.</summary>
public sealed class OptionsHandshakeOriginTests
{
    [Theory]
    [InlineData("a\u007Fb")]
    [InlineData("a\u0001b")]
    [InlineData("https://eventgrid.azure.net")]
    [InlineData("eventgrid.azure.net, other.example")]
    [InlineData("event grid")]
    [InlineData("-eventgrid.azure.net")]
    [InlineData("eventgrid..azure.net")]
    [InlineData("é.example")]
    public async Task AnOriginThatIsNotAHostNameGets400AndIsNotEchoed(string origin)
    {
        await using var host = await EventsHost.StartAsync();

        var (status, head) = await RawHttpExchange.SendAsync(host.Client.BaseAddress!, "OPTIONS", WireEvents.WithKey(), [new("WebHook-Request-Origin", origin)]);

        Assert.Equal(400, status);
        Assert.DoesNotContain("WebHook-Allowed-Origin", head, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnOverlongOriginGets400()
    {
        await using var host = await EventsHost.StartAsync();
        var origin = string.Join('.', Enumerable.Repeat(new string('a', 60), 5));

        var (status, head) = await RawHttpExchange.SendAsync(host.Client.BaseAddress!, "OPTIONS", WireEvents.WithKey(), [new("WebHook-Request-Origin", origin)]);

        Assert.Equal(400, status);
        Assert.DoesNotContain("WebHook-Allowed-Origin", head, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("eventgrid.azure.net")]
    [InlineData("EventGrid.Azure.NET")]
    [InlineData("my-relay-01.example")]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task AHostNameOrAddressIsGrantedAsSent(string origin)
    {
        await using var host = await EventsHost.StartAsync();

        var (status, head) = await RawHttpExchange.SendAsync(host.Client.BaseAddress!, "OPTIONS", WireEvents.WithKey(), [new("WebHook-Request-Origin", origin)]);

        Assert.Equal(200, status);
        Assert.Contains($"WebHook-Allowed-Origin: {origin}\r\n", head + "\r\n", StringComparison.Ordinal);
    }
}
