using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SecretRotation.VaultMirror.Hosting;

namespace SecretRotation.VaultMirror.Tests;

/// <summary>The whole mirror service hosted on 127.0.0.1 against the harness's emulators, built as Program builds it.</summary>
internal static class HostedMirror
{
    public const string EventKey = "test-event-key-0123456789";

    public static string[] Arguments(MirrorHarness harness, params string[] extra) =>
    [
        $"--Mirror:KeyVaultUri={harness.KeyVault.VaultUri}",
        $"--Mirror:VaultAddress={harness.Vault.Address}",
        "--Mirror:Auth:Method=Token",
        $"--Mirror:Auth:Token={harness.Vault.RootToken}",
        "--Mirror:PollInterval=01:00:00",
        $"--Mirror:EventKeys:0={EventKey}",
        "--urls=http://127.0.0.1:0",
        "--Logging:LogLevel:Default=Warning",
        .. extra,
    ];

    /// <summary>Points the service at the emulators and the harness clock (which only tests advance).</summary>
    public static Action<WebApplicationBuilder> UseHarness(MirrorHarness harness) => builder =>
    {
        builder.Services.AddSingleton(harness.SecretClient);
        builder.Services.AddSingleton(new VaultHandlerOverride(new SocketsHttpHandler()));
        builder.Services.AddSingleton<TimeProvider>(harness.Time);
    };
}
