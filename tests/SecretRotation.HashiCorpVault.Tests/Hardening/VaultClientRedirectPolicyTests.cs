using System.Net;
using System.Text;
using SecretRotation.HashiCorpVault.Client;

namespace SecretRotation.HashiCorpVault.Tests.Hardening;

/// <summary>The redirect rules of the Vault client, on an in-memory handler.</summary>
public sealed class VaultClientRedirectPolicyTests
{
    private const string Token = "hvs.token-canary-4821";

    [Fact]
    public async Task ARedirectFromHttpsToHttpIsRefusedEvenToAListedHost()
    {
        var handler = new ScriptedHandler((_, _) => Redirect(HttpStatusCode.TemporaryRedirect, "http://vault-1.example:8200/v1/secret/app"));
        using var client = new VaultHttpClient(new Uri("https://vault.example:8200"), null, handler, disposeHandler: true, ["vault-1.example"]);

        var error = await Assert.ThrowsAsync<VaultProtocolException>(() => client.ReadAsync("secret/app", Token, CancellationToken.None));

        Assert.Single(handler.Requests);
        Assert.Contains("vault-1.example:8200", error.Message, StringComparison.Ordinal);
        Assert.Contains("https to http", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARedirectToTheSameServerKeepsTheMethodAndBody()
    {
        var handler = new ScriptedHandler((_, index) => index == 0
            ? Redirect(HttpStatusCode.TemporaryRedirect, "https://vault.example:8200/v1/auth/approle/login?from=standby")
            : Json("""{"auth":{"client_token":"hvs.new","lease_duration":3600,"renewable":true}}"""));
        using var client = new VaultHttpClient(new Uri("https://vault.example:8200"), null, handler, disposeHandler: true);

        var response = await client.LoginAsync("auth/approle/login", new Dictionary<string, string> { ["role_id"] = "r", ["secret_id"] = "s" }, CancellationToken.None);

        Assert.Equal("hvs.new", response.Auth!.ClientToken);
        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal(HttpMethod.Post, r.Request.Method));
        Assert.Equal(handler.Requests[0].Body, handler.Requests[1].Body);
        Assert.Contains("secret_id", handler.Requests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyOneRedirectIsFollowed()
    {
        var handler = new ScriptedHandler((_, _) => Redirect(HttpStatusCode.TemporaryRedirect, "https://vault.example:8200/v1/secret/app"));
        using var client = new VaultHttpClient(new Uri("https://vault.example:8200"), null, handler, disposeHandler: true);

        var error = await Assert.ThrowsAsync<VaultProtocolException>(() => client.ReadAsync("secret/app", Token, CancellationToken.None));

        Assert.Equal(2, handler.Requests.Count);
        Assert.Contains("only one redirect", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFoundRedirectIsNotFollowedBecauseItWouldDropTheMethod()
    {
        var handler = new ScriptedHandler((_, _) => Redirect(HttpStatusCode.Found, "https://vault.example:8200/v1/secret/other"));
        using var client = new VaultHttpClient(new Uri("https://vault.example:8200"), null, handler, disposeHandler: true);

        await Assert.ThrowsAsync<VaultProtocolException>(() => client.ReadAsync("secret/app", Token, CancellationToken.None));

        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task ARedirectToAnotherPortOfTheSameHostIsRefusedUnlessTheHostIsListed()
    {
        var handler = new ScriptedHandler((request, _) => request.RequestUri!.Port == 8200
            ? Redirect(HttpStatusCode.TemporaryRedirect, "https://vault.example:9200/v1/secret/app")
            : Json("""{"data":{"password":"p"}}"""));
        using var unlisted = new VaultHttpClient(new Uri("https://vault.example:8200"), null, handler, disposeHandler: false);
        using var listed = new VaultHttpClient(new Uri("https://vault.example:8200"), null, handler, disposeHandler: false, ["VAULT.example"]);

        await Assert.ThrowsAsync<VaultProtocolException>(() => unlisted.ReadAsync("secret/app", Token, CancellationToken.None));
        var response = await listed.ReadAsync("secret/app", Token, CancellationToken.None);

        Assert.Equal("p", response.Data!.Value.GetProperty("password").GetString());
        Assert.Equal(3, handler.Requests.Count);
        handler.Dispose();
    }

    [Theory]
    [InlineData("https://vault-1.example:8200")]
    [InlineData("vault-1.example:8200")]
    [InlineData("vault-1.example/v1")]
    public void AnAllowedRedirectHostThatIsNotAHostNameIsRejectedAtStartUp(string entry)
    {
        var options = new HashiCorpVaultSource { Address = new Uri("https://vault.example:8200") };
        options.AllowedRedirectHosts.Add(entry);
        options.UseToken(Token).Map("secret/app", "App", VaultSecretKind.KvV1);

        var error = Assert.Throws<ArgumentException>(() => new Microsoft.Extensions.Configuration.ConfigurationBuilder().Add(options).Build());

        Assert.Contains("AllowedRedirectHosts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AListedIpv6HostIsMatchedWithoutItsBrackets()
    {
        var handler = new ScriptedHandler((request, _) => request.RequestUri!.Host == "vault.example"
            ? Redirect(HttpStatusCode.TemporaryRedirect, "https://[::1]:8200/v1/secret/app")
            : Json("""{"data":{"password":"p"}}"""));
        using var client = new VaultHttpClient(new Uri("https://vault.example:8200"), null, handler, disposeHandler: true, ["[::1]"]);

        var response = await client.ReadAsync("secret/app", Token, CancellationToken.None);

        Assert.Equal("p", response.Data!.Value.GetProperty("password").GetString());
    }

    private static HttpResponseMessage Redirect(HttpStatusCode status, string location)
    {
        var response = new HttpResponseMessage(status);
        response.Headers.Location = new Uri(location);
        return response;
    }

    private static HttpResponseMessage Json(string json) =>
        new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
