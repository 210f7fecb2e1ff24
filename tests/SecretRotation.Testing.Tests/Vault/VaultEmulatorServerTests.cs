using System.Diagnostics;
using System.Net;
using System.Text.Json;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>The emulator as a server: address, HTTPS, the seal, injected faults and latency, routing, and the request log.</summary>
public sealed class VaultEmulatorServerTests
{
    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;

    [Fact]
    public async Task ItListensOnLoopbackOverHttpByDefault()
    {
        await using var emulator = await VaultEmulator.StartAsync(cancellationToken: _timeout);
        using var wire = new VaultWire(emulator, _timeout);

        var health = await wire.GetAsync("sys/health", token: null);

        Assert.Equal("http", emulator.Address.Scheme);
        Assert.Equal("127.0.0.1", emulator.Address.Host);
        Assert.NotEqual(0, emulator.Address.Port);
        Assert.Equal("/", emulator.Address.AbsolutePath);
        Assert.Null(emulator.Certificate);
        Assert.Matches("^hvs\\.[0-9A-Za-z]{24}$", emulator.RootToken);
        Assert.Equal(HttpStatusCode.OK, health.Status);
        Assert.False(health.Json.GetProperty("sealed").GetBoolean());
        Assert.True(health.Json.GetProperty("initialized").GetBoolean());
    }

    [Fact]
    public async Task ItServesHttpsWithAStartUpCertificateWhenAsked()
    {
        await using var emulator = await VaultEmulator.StartAsync(new VaultEmulatorOptions { UseHttps = true }, _timeout);
        emulator.WriteKv("secret/app", new Dictionary<string, object?> { ["v"] = "1" });
        using var wire = new VaultWire(emulator, _timeout);

        var read = await wire.GetAsync("secret/data/app", emulator.RootToken);

        Assert.Equal("https", emulator.Address.Scheme);
        Assert.NotNull(emulator.Certificate);
        Assert.False(emulator.Certificate.HasPrivateKey);
        Assert.Equal(HttpStatusCode.OK, read.Status);
    }

    [Fact]
    public async Task ASealedVaultAnswers503UntilUnsealed()
    {
        await using var emulator = await VaultEmulator.StartAsync(cancellationToken: _timeout);
        emulator.WriteKv("secret/app", new Dictionary<string, object?> { ["v"] = "1" });
        using var wire = new VaultWire(emulator, _timeout);

        emulator.Sealed = true;
        var read = await wire.GetAsync("secret/data/app", emulator.RootToken);
        var login = await wire.PostAsync("auth/kubernetes/login", null, """{"role":"x","jwt":"y"}""");
        var health = await wire.GetAsync("sys/health", token: null);
        emulator.Sealed = false;
        var unsealed = await wire.GetAsync("secret/data/app", emulator.RootToken);

        read.AssertErrors(HttpStatusCode.ServiceUnavailable, "Vault is sealed");
        login.AssertErrors(HttpStatusCode.ServiceUnavailable, "Vault is sealed");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.Status);
        Assert.True(health.Json.GetProperty("sealed").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, unsealed.Status);
    }

    [Fact]
    public async Task InjectedFaultsAnswerFirstAndRunOut()
    {
        await using var emulator = await VaultEmulator.StartAsync(cancellationToken: _timeout);
        emulator.WriteKv("secret/app", new Dictionary<string, object?> { ["v"] = "1" });
        emulator.InjectFault(new VaultFault { PathPrefix = "/v1/secret/data/app", StatusCode = 429, RetryAfter = TimeSpan.FromSeconds(1.5), Count = 1 });
        emulator.InjectFault(new VaultFault { Method = "PUT", StatusCode = 500 });
        emulator.InjectFault(new VaultFault { PathPrefix = "secret/metadata", StatusCode = 503, Errors = ["custom"] });
        using var wire = new VaultWire(emulator, _timeout);

        var throttled = await wire.GetAsync("secret/data/app", emulator.RootToken);
        var served = await wire.GetAsync("secret/data/app", emulator.RootToken);
        var failedWrite = await wire.PutAsync("secret/data/app", emulator.RootToken, """{"data":{"v":"2"}}""");
        var posted = await wire.PostAsync("secret/data/app", emulator.RootToken, """{"data":{"v":"2"}}""");
        var custom = await wire.GetAsync("secret/metadata/app", emulator.RootToken);
        emulator.ClearFaults();
        var cleared = await wire.GetAsync("secret/metadata/app", emulator.RootToken);

        throttled.AssertErrors(HttpStatusCode.TooManyRequests, "request path \"secret/data/app\": rate limit quota exceeded");
        Assert.Equal(TimeSpan.FromSeconds(2), throttled.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, served.Status);
        failedWrite.AssertErrors(HttpStatusCode.InternalServerError, "internal error");
        Assert.Equal(HttpStatusCode.OK, posted.Status);
        custom.AssertErrors(HttpStatusCode.ServiceUnavailable, "custom");
        Assert.Equal(HttpStatusCode.OK, cleared.Status);
        Assert.Throws<ArgumentOutOfRangeException>(() => emulator.InjectFault(new VaultFault { Count = 0 }));
    }

    [Fact]
    public async Task LatencyDelaysAnswers()
    {
        await using var emulator = await VaultEmulator.StartAsync(new VaultEmulatorOptions { Latency = TimeSpan.FromMilliseconds(60) }, _timeout);
        emulator.InjectFault(new VaultFault { PathPrefix = "sys/health", Latency = TimeSpan.FromMilliseconds(60) });
        using var wire = new VaultWire(emulator, _timeout);

        var start = Stopwatch.GetTimestamp();
        var reply = await wire.GetAsync("sys/health", token: null);
        var elapsed = Stopwatch.GetElapsedTime(start);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(120), $"answered after {elapsed.TotalMilliseconds} ms");
        Assert.Equal(TimeSpan.FromMilliseconds(60), emulator.Latency);
    }

    [Fact]
    public async Task RoutingFollowsVaultsVerbsAndPaths()
    {
        await using var emulator = await VaultEmulator.StartAsync(cancellationToken: _timeout);
        using var wire = new VaultWire(emulator, _timeout);
        var token = emulator.RootToken;

        var put = await wire.PutAsync("secret/data/app", token, """{"data":{"v":"1"}}""");
        var post = await wire.PostAsync("secret/data/app", token, """{"data":{"v":"2"}}""");
        var wrongVerb = await wire.GetAsync("secret/delete/app", token);
        var unknownVerb = await wire.SendAsync("TRACE", "secret/data/app", token);
        var badJson = await wire.PostAsync("secret/data/app", token, "{not json");
        var outsideApi = await wire.SendAsync("GET", "../nothing", token);
        var tokenMountPath = await wire.GetAsync("auth/token/roles-unknown", token);
        var config = await wire.GetAsync("secret/config", token);

        Assert.Equal(1, put.Data.GetProperty("version").GetInt32());
        Assert.Equal(2, post.Data.GetProperty("version").GetInt32());
        wrongVerb.AssertErrors(HttpStatusCode.MethodNotAllowed, "1 error occurred:\n\t* unsupported operation\n\n");
        unknownVerb.AssertErrors(HttpStatusCode.MethodNotAllowed);
        Assert.Equal(HttpStatusCode.BadRequest, badJson.Status);
        Assert.StartsWith("failed to parse JSON input: ", Assert.Single(badJson.Errors), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, outsideApi.Status);
        Assert.Equal("404 page not found\n", outsideApi.Body);
        tokenMountPath.AssertErrors(HttpStatusCode.NotFound, "1 error occurred:\n\t* unsupported path\n\n");
        Assert.Equal("""{"cas_required":false,"delete_version_after":"0s","max_versions":0}""", config.Data.GetRawText());
    }

    [Fact]
    public async Task TheRequestLogRecordsMethodPathQueryStatusAndTokenAccessor()
    {
        await using var emulator = await VaultEmulator.StartAsync(cancellationToken: _timeout);
        emulator.WriteKv("secret/app", new Dictionary<string, object?> { ["v"] = "1" });
        var token = emulator.CreateToken(TimeSpan.FromHours(1));
        using var wire = new VaultWire(emulator, _timeout);
        var accessor = (await wire.GetAsync("auth/token/lookup-self", token)).Data.GetProperty("accessor").GetString();
        emulator.ClearRequests();

        await wire.SendAsync("GET", "secret/data/app?version=1", token, headers: headers => headers.Add("X-Vault-Namespace", "team-a/"));
        await wire.GetAsync("secret/metadata/?list=true", token);
        await wire.ListAsync("secret/metadata", token);
        await wire.GetAsync("secret/data/app", "hvs.bogus");
        await wire.PostAsync("auth/approle/login", null, """{"role_id":"x","secret_id":"y"}""");

        var requests = emulator.Requests;
        Assert.Equal(5, requests.Count);
        var first = requests[0];
        Assert.Equal(("GET", "secret/data/app", "version=1", 200, accessor, "team-a/"), (first.Method, first.Path, first.Query, first.StatusCode, first.TokenAccessor, first.Namespace));
        Assert.Equal(("GET", "secret/metadata/", "list=true"), (requests[1].Method, requests[1].Path, requests[1].Query));
        Assert.Equal(("LIST", "secret/metadata", 200), (requests[2].Method, requests[2].Path, requests[2].StatusCode));
        Assert.Equal(("invalid", 403), (requests[3].TokenAccessor, requests[3].StatusCode));
        Assert.Equal(("none", 403, "auth/approle/login"), (requests[4].TokenAccessor, requests[4].StatusCode, requests[4].Path));
        Assert.Null(requests[4].Namespace);
        Assert.Equal(2, emulator.CountRequests("get", "secret/data/app"));
        Assert.Equal(1, emulator.CountRequests("LIST", "secret"));
        Assert.Equal(0, emulator.CountRequests("GET", "secret/data/ap"));
        emulator.ClearRequests();
        Assert.Empty(emulator.Requests);
    }

    [Fact]
    public async Task ErrorBodiesAreJsonWithVaultsContentType()
    {
        await using var emulator = await VaultEmulator.StartAsync(cancellationToken: _timeout);
        using var wire = new VaultWire(emulator, _timeout);

        var missing = await wire.GetAsync("secret/data/none", emulator.RootToken);
        var write = await wire.PostAsync("secret/metadata/x", emulator.RootToken, "{}");

        Assert.Equal("application/json", missing.MediaType);
        Assert.Equal(JsonValueKind.Array, missing.Json.GetProperty("errors").ValueKind);
        Assert.Equal(HttpStatusCode.NoContent, write.Status);
    }
}
