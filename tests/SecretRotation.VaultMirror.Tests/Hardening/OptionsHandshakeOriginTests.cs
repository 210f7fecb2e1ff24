using Microsoft.Extensions.DependencyInjection;
using SecretRotation.TestSupport;
using SecretRotation.VaultMirror.Hosting;
using SecretRotation.VaultMirror.Mirroring;

namespace SecretRotation.VaultMirror.Tests.Hardening;

/// <summary>The Mirror's <c>/events</c> shares the push endpoint's OPTIONS handshake, and its origin check.</summary>
public sealed class OptionsHandshakeOriginTests
{
    [Fact]
    public async Task AControlCharacterInTheOriginGets400AndAHostNameIsGranted()
    {
        await using var harness = await MirrorHarness.StartAsync();
        await using var app = MirrorApplication.Build(HostedMirror.Arguments(harness), once: false, HostedMirror.UseHarness(harness));
        await app.StartAsync();
        await app.Services.GetRequiredService<MirrorStatus>().FirstPass.WithTimeout("the first pass");
        var server = new Uri(app.Urls.First());
        var path = $"/events?code={HostedMirror.EventKey}";

        var (refused, refusedHead) = await RawHttpExchange.SendAsync(server, "OPTIONS", path, [new("WebHook-Request-Origin", "a\u007Fb")]);
        var (granted, grantedHead) = await RawHttpExchange.SendAsync(server, "OPTIONS", path, [new("WebHook-Request-Origin", "eventgrid.azure.net")]);

        Assert.Equal(400, refused);
        Assert.DoesNotContain("WebHook-Allowed-Origin", refusedHead, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(200, granted);
        Assert.Contains("WebHook-Allowed-Origin: eventgrid.azure.net", grantedHead, StringComparison.Ordinal);
        await app.StopAsync();
    }
}
