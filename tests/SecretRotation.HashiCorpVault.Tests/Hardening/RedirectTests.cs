using System.Net;
using Microsoft.AspNetCore.Http;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.HashiCorpVault.Tests.Hardening;

/// <summary>
/// A Vault that answers 307 to another host must not receive the token or a login body there: two loopback listeners,
/// 127.0.0.1 and 127.0.0.2, the second recording everything it gets.
/// </summary>
public sealed class RedirectTests
{
    private const string Jwt = "service-account-jwt-canary-7731";
    private const string Token = "hvs.token-canary-4821";
    private static readonly IPAddress Other = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task RedirectToAnotherHostIsNotFollowedWithTheKubernetesLoginBody()
    {
        await using var other = await LoopbackServer.StartAsync(Other, (context, _) => LoopbackServer.JsonAsync(context, "{}"));
        await using var vault = await LoopbackServer.StartAsync(IPAddress.Loopback, (context, request) => RedirectAsync(context, request, other.Address));
        using var files = new TemporaryDirectory();
        var jwtPath = files.Combine("token");
        File.WriteAllText(jwtPath, Jwt);

        var error = Assert.ThrowsAny<Exception>(() => ScriptedSource.Build(vault.Address, o => o.UseKubernetesAuth("app", jwtPath: jwtPath).Map("secret/app", "App", VaultSecretKind.KvV1)));

        Assert.Empty(other.Requests);
        var login = Assert.Single(vault.Requests);
        Assert.Equal("/v1/auth/kubernetes/login", login.Path);
        var messages = ScriptedSource.Messages(error);
        Assert.Contains($"127.0.0.2:{other.Address.Port}", messages, StringComparison.Ordinal);
        Assert.DoesNotContain(Jwt, messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedirectToAnotherHostIsNotFollowedWithTheToken()
    {
        await using var other = await LoopbackServer.StartAsync(Other, (context, _) => LoopbackServer.JsonAsync(context, "{}"));
        await using var vault = await LoopbackServer.StartAsync(IPAddress.Loopback, (context, request) => RedirectAsync(context, request, other.Address));

        var error = Assert.ThrowsAny<Exception>(() => ScriptedSource.Build(vault.Address, o => o.UseToken(Token).Map("secret/app", "App", VaultSecretKind.KvV1)));

        Assert.Empty(other.Requests);
        Assert.Single(vault.Requests);
        var messages = ScriptedSource.Messages(error);
        Assert.Contains("127.0.0.2", messages, StringComparison.Ordinal);
        Assert.Contains("AllowedRedirectHosts", messages, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHandlerGivenInTheOptionsDoesNotFollowRedirectsByItself()
    {
        await using var other = await LoopbackServer.StartAsync(Other, (context, _) => LoopbackServer.JsonAsync(context, "{}"));
        await using var vault = await LoopbackServer.StartAsync(IPAddress.Loopback, (context, request) => RedirectAsync(context, request, other.Address));

        Assert.ThrowsAny<Exception>(() => ScriptedSource.Build(vault.Address, o =>
        {
            o.HttpMessageHandler = new SocketsHttpHandler();
            o.UseToken(Token).Map("secret/app", "App", VaultSecretKind.KvV1);
        }));

        Assert.Empty(other.Requests);
    }

    [Fact]
    public async Task AStandbyRedirectToAListedHostIsFollowedWithTheLoginBody()
    {
        // The active node (the emulator) listens on 127.0.0.1; the configured address is a standby on 127.0.0.2.
        await using var active = await VaultEmulator.StartAsync();
        active.WriteKv("secret/app/db", new Dictionary<string, object?> { ["password"] = "vault-pass-1" });
        active.SetPolicy("app", "secret/data/app/*", "secret/metadata/app/*");
        active.AddKubernetesRole("app", Jwt, TimeSpan.FromHours(1), TimeSpan.FromHours(3), ["app"]);
        await using var standby = await LoopbackServer.StartAsync(Other, (context, request) => RedirectAsync(context, request, active.Address));
        using var files = new TemporaryDirectory();
        var jwtPath = files.Combine("token");
        File.WriteAllText(jwtPath, Jwt);

        using var source = ScriptedSource.Build(standby.Address, o =>
        {
            o.AllowedRedirectHosts.Add("127.0.0.1");
            o.UseKubernetesAuth("app", jwtPath: jwtPath).Map("secret/app/db", "Db", VaultSecretKind.KvV2);
        });

        Assert.Equal("vault-pass-1", source.Configuration["Db:password"]);
        Assert.Equal(1, active.CountRequests("POST", "auth/kubernetes/login"));
        Assert.Contains(standby.Requests, r => r.Path == "/v1/auth/kubernetes/login" && r.Body.Contains(Jwt, StringComparison.Ordinal));
    }

    /// <summary>Answers 307 to the same path and query on <paramref name="target"/>, as a Vault standby does.</summary>
    private static Task RedirectAsync(HttpContext context, RecordedRequest request, Uri target)
    {
        context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
        context.Response.Headers.Location = new Uri(target, request.Path).AbsoluteUri;
        return Task.CompletedTask;
    }
}
