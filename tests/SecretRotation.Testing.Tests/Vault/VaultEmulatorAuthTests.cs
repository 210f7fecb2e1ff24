using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>Tokens, policies and logins over raw HTTP, with token TTLs moved by a fake clock.</summary>
public sealed class VaultEmulatorAuthTests
{
    private const string InvalidToken = "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n";
    private const string PolicyDenied = "1 error occurred:\n\t* permission denied\n\n";

    private static readonly DateTimeOffset s_start = new(2026, 5, 10, 8, 0, 0, TimeSpan.Zero);

    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;
    private readonly FakeTimeProvider _clock = new(s_start);

    [Fact]
    public async Task TheRootTokenLooksUpWithoutALease()
    {
        await using var emulator = await StartAsync(rootToken: "root-token");
        using var wire = new VaultWire(emulator, _timeout);

        var reply = await wire.GetAsync("auth/token/lookup-self", "root-token");

        reply.AssertEnvelope("token");
        Assert.Equal(
            ["accessor", "creation_time", "creation_ttl", "display_name", "entity_id", "expire_time", "explicit_max_ttl", "id", "meta", "num_uses", "orphan", "path", "policies", "ttl", "type"],
            VaultReply.Names(reply.Data));
        Assert.Equal("root-token", reply.Data.GetProperty("id").GetString());
        Assert.Equal(s_start.ToUnixTimeSeconds(), reply.Data.GetProperty("creation_time").GetInt64());
        Assert.Equal(0, reply.Data.GetProperty("creation_ttl").GetInt32());
        Assert.Equal("root", reply.Data.GetProperty("display_name").GetString());
        Assert.Equal(JsonValueKind.Null, reply.Data.GetProperty("expire_time").ValueKind);
        Assert.Equal(JsonValueKind.Null, reply.Data.GetProperty("meta").ValueKind);
        Assert.True(reply.Data.GetProperty("orphan").GetBoolean());
        Assert.Equal("auth/token/root", reply.Data.GetProperty("path").GetString());
        Assert.Equal("""["root"]""", reply.Data.GetProperty("policies").GetRawText());
        Assert.Equal(0, reply.Data.GetProperty("ttl").GetInt32());
        Assert.Equal("service", reply.Data.GetProperty("type").GetString());
    }

    [Fact]
    public async Task ATokenTtlFollowsTheClockAndRenewalIsCappedAtTheMaxTtl()
    {
        await using var emulator = await StartAsync();
        var token = emulator.CreateToken(TimeSpan.FromHours(1), maxTtl: TimeSpan.FromHours(2), policies: ["app"]);
        using var wire = new VaultWire(emulator, _timeout);

        var fresh = await wire.GetAsync("auth/token/lookup-self", token);
        _clock.Advance(TimeSpan.FromMinutes(10));
        var later = await wire.GetAsync("auth/token/lookup-self", token);
        var renewed = await wire.PostAsync("auth/token/renew-self", token, """{"increment":"1h"}""");
        _clock.Advance(TimeSpan.FromMinutes(50));
        var capped = await wire.PutAsync("auth/token/renew-self", token, """{"increment":7200}""");
        var afterRenewal = await wire.GetAsync("auth/token/lookup-self", token);
        _clock.Advance(TimeSpan.FromHours(1));
        var expired = await wire.GetAsync("auth/token/lookup-self", token);

        fresh.AssertEnvelope("token");
        var data = fresh.Data;
        Assert.Equal(
            ["accessor", "creation_time", "creation_ttl", "display_name", "entity_id", "expire_time", "explicit_max_ttl", "id", "issue_time", "meta", "num_uses", "orphan", "path", "policies", "renewable", "ttl", "type"],
            VaultReply.Names(data));
        Assert.Equal(3600, data.GetProperty("ttl").GetInt32());
        Assert.Equal(3600, data.GetProperty("creation_ttl").GetInt32());
        Assert.Equal(7200, data.GetProperty("explicit_max_ttl").GetInt32());
        Assert.Equal("2026-05-10T09:00:00Z", data.GetProperty("expire_time").GetString());
        Assert.Equal("2026-05-10T08:00:00Z", data.GetProperty("issue_time").GetString());
        Assert.Equal("token", data.GetProperty("display_name").GetString());
        Assert.Equal("auth/token/create", data.GetProperty("path").GetString());
        Assert.False(data.GetProperty("orphan").GetBoolean());
        Assert.True(data.GetProperty("renewable").GetBoolean());
        Assert.Equal("""["app","default"]""", data.GetProperty("policies").GetRawText());
        Assert.Equal(3000, later.Data.GetProperty("ttl").GetInt32());

        renewed.AssertEnvelope("token");
        Assert.Equal(JsonValueKind.Null, renewed.Data.ValueKind);
        Assert.Equal(JsonValueKind.Null, renewed.Json.GetProperty("warnings").ValueKind);
        var auth = renewed.Json.GetProperty("auth");
        Assert.Equal(
            ["client_token", "accessor", "policies", "token_policies", "metadata", "lease_duration", "renewable", "entity_id", "token_type", "orphan", "mfa_requirement", "num_uses"],
            VaultReply.Names(auth));
        Assert.Equal(token, auth.GetProperty("client_token").GetString());
        Assert.Equal(fresh.Data.GetProperty("accessor").GetString(), auth.GetProperty("accessor").GetString());
        Assert.Equal(3600, auth.GetProperty("lease_duration").GetInt32());
        Assert.Equal("service", auth.GetProperty("token_type").GetString());
        Assert.Equal(JsonValueKind.Null, auth.GetProperty("metadata").ValueKind);

        Assert.Equal(3600, capped.Json.GetProperty("auth").GetProperty("lease_duration").GetInt32());
        Assert.Equal(
            "TTL of \"2h0m0s\" exceeded the effective max_ttl of \"1h0m0s\"; TTL value is capped accordingly",
            Assert.Single(capped.Json.GetProperty("warnings").EnumerateArray()).GetString());
        Assert.Equal(3600, afterRenewal.Data.GetProperty("ttl").GetInt32());
        Assert.Equal("2026-05-10T09:00:00Z", afterRenewal.Data.GetProperty("last_renewal").GetString());
        Assert.Equal(s_start.AddHours(1).ToUnixTimeSeconds(), afterRenewal.Data.GetProperty("last_renewal_time").GetInt64());
        expired.AssertErrors(HttpStatusCode.Forbidden, InvalidToken);
    }

    [Fact]
    public async Task RenewSelfRefusesNonRenewableAndRootTokens()
    {
        await using var emulator = await StartAsync();
        var fixedToken = emulator.CreateToken(TimeSpan.FromHours(1), renewable: false);
        using var wire = new VaultWire(emulator, _timeout);

        var notRenewable = await wire.PostAsync("auth/token/renew-self", fixedToken, "{}");
        var root = await wire.PostAsync("auth/token/renew-self", emulator.RootToken, "{}");

        notRenewable.AssertErrors(HttpStatusCode.BadRequest, "lease is not renewable");
        root.AssertErrors(HttpStatusCode.BadRequest, "lease not found");
    }

    [Fact]
    public async Task MissingUnknownAndRevokedTokensAreRefused()
    {
        await using var emulator = await StartAsync();
        var token = emulator.CreateToken(TimeSpan.FromHours(1));
        using var wire = new VaultWire(emulator, _timeout);

        var none = await wire.GetAsync("secret/data/app", token: null);
        var unknown = await wire.GetAsync("secret/data/app", "hvs.not-a-token");
        var bearer = await wire.SendAsync("GET", "auth/token/lookup-self", token: null, headers: headers => headers.Authorization = new("Bearer", token));
        var revoking = await wire.PostAsync("auth/token/revoke-self", token, "{}");
        var revoked = await wire.GetAsync("auth/token/lookup-self", token);

        none.AssertErrors(HttpStatusCode.Forbidden, "permission denied");
        unknown.AssertErrors(HttpStatusCode.Forbidden, InvalidToken);
        Assert.Equal(HttpStatusCode.OK, bearer.Status);
        Assert.Equal(HttpStatusCode.NoContent, revoking.Status);
        revoked.AssertErrors(HttpStatusCode.Forbidden, InvalidToken);
    }

    [Fact]
    public async Task PoliciesLimitATokenToTheirPaths()
    {
        await using var emulator = await StartAsync();
        emulator.SetPolicy("app", "secret/data/myapp/*", "secret/metadata/+/");
        emulator.WriteKv("secret/myapp/db", new Dictionary<string, object?> { ["v"] = "1" });
        emulator.WriteKv("secret/other/db", new Dictionary<string, object?> { ["v"] = "1" });
        var token = emulator.CreateToken(TimeSpan.FromHours(1), policies: ["App"]);
        var defaultOnly = emulator.CreateToken(TimeSpan.FromHours(1), policies: []);
        using var wire = new VaultWire(emulator, _timeout);

        var allowed = await wire.GetAsync("secret/data/myapp/db", token);
        var denied = await wire.GetAsync("secret/data/other/db", token);
        var listAllowed = await wire.ListAsync("secret/metadata/myapp", token);
        var selfService = await wire.GetAsync("auth/token/lookup-self", defaultOnly);
        var unknownPath = await wire.GetAsync("nomount/x", defaultOnly);
        var unknownPathAsRoot = await wire.GetAsync("nomount/x", emulator.RootToken);

        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        denied.AssertErrors(HttpStatusCode.Forbidden, PolicyDenied);
        Assert.Equal(HttpStatusCode.OK, listAllowed.Status);
        Assert.Equal("""["default"]""", selfService.Data.GetProperty("policies").GetRawText());
        unknownPath.AssertErrors(HttpStatusCode.Forbidden, PolicyDenied);
        unknownPathAsRoot.AssertErrors(HttpStatusCode.NotFound, "no handler for route \"nomount/x\". route entry not found.");
    }

    [Fact]
    public async Task AKubernetesLoginReturnsTheAuthBlockWithServiceAccountMetadata()
    {
        await using var emulator = await StartAsync();
        var jwt = ServiceAccountJwt("apps", "web", "0f6b1c9e-2d4a-4c1e-9f3b-7a8d5e6c4b21");
        emulator.AddKubernetesRole("web", jwt, TimeSpan.FromHours(1), TimeSpan.FromHours(4), ["app"]);
        using var wire = new VaultWire(emulator, _timeout);

        var login = await wire.PostAsync("auth/kubernetes/login", token: null, $$"""{"role":"web","jwt":"{{jwt}}"}""");
        var auth = login.Json.GetProperty("auth");
        var clientToken = auth.GetProperty("client_token").GetString()!;
        var lookup = await wire.GetAsync("auth/token/lookup-self", clientToken);
        _clock.Advance(TimeSpan.FromMinutes(30));
        var renewed = await wire.PostAsync("auth/token/renew-self", clientToken, "{}");

        login.AssertEnvelope(string.Empty);
        Assert.Equal(JsonValueKind.Null, login.Data.ValueKind);
        Assert.Equal(0, login.Json.GetProperty("lease_duration").GetInt32());
        Assert.Equal(
            ["client_token", "accessor", "policies", "token_policies", "metadata", "lease_duration", "renewable", "entity_id", "token_type", "orphan", "mfa_requirement", "num_uses"],
            VaultReply.Names(auth));
        Assert.Matches("^hvs\\.[0-9A-Za-z]{24}$", clientToken);
        Assert.Matches("^[0-9A-Za-z]{24}$", auth.GetProperty("accessor").GetString());
        Assert.Equal("""["app","default"]""", auth.GetProperty("policies").GetRawText());
        Assert.Equal("""["app","default"]""", auth.GetProperty("token_policies").GetRawText());
        Assert.Equal(
            """{"role":"web","service_account_name":"web","service_account_namespace":"apps","service_account_secret_name":"","service_account_uid":"0f6b1c9e-2d4a-4c1e-9f3b-7a8d5e6c4b21"}""",
            auth.GetProperty("metadata").GetRawText());
        Assert.Equal(3600, auth.GetProperty("lease_duration").GetInt32());
        Assert.True(auth.GetProperty("renewable").GetBoolean());
        Assert.True(auth.GetProperty("orphan").GetBoolean());
        Assert.Matches("^[0-9a-f-]{36}$", auth.GetProperty("entity_id").GetString());
        Assert.Equal(JsonValueKind.Null, auth.GetProperty("mfa_requirement").ValueKind);
        Assert.Equal("kubernetes-apps-web", lookup.Data.GetProperty("display_name").GetString());
        Assert.Equal("auth/kubernetes/login", lookup.Data.GetProperty("path").GetString());
        Assert.Equal("web", lookup.Data.GetProperty("meta").GetProperty("role").GetString());
        Assert.Equal(3600, renewed.Json.GetProperty("auth").GetProperty("lease_duration").GetInt32());
        Assert.Equal("apps", renewed.Json.GetProperty("auth").GetProperty("metadata").GetProperty("service_account_namespace").GetString());
    }

    [Fact]
    public async Task KubernetesLoginsWithAWrongJwtOrRoleAreRefused()
    {
        await using var emulator = await StartAsync();
        emulator.AddKubernetesRole("web", "the-jwt", TimeSpan.FromHours(1), TimeSpan.FromHours(4));
        using var wire = new VaultWire(emulator, _timeout);

        var wrongJwt = await wire.PostAsync("auth/kubernetes/login", null, """{"role":"web","jwt":"another-jwt"}""");
        var unknownRole = await wire.PostAsync("auth/kubernetes/login", null, """{"role":"nope","jwt":"the-jwt"}""");
        var noRole = await wire.PostAsync("auth/kubernetes/login", null, """{"jwt":"the-jwt"}""");
        var ok = await wire.PostAsync("auth/kubernetes/login", null, """{"role":"web","jwt":"the-jwt"}""");

        wrongJwt.AssertErrors(HttpStatusCode.Forbidden, "permission denied");
        unknownRole.AssertErrors(HttpStatusCode.BadRequest, "invalid role name \"nope\"");
        noRole.AssertErrors(HttpStatusCode.BadRequest, "missing role");
        Assert.Equal("""["default"]""", ok.Json.GetProperty("auth").GetProperty("policies").GetRawText());
        Assert.Equal("default", ok.Json.GetProperty("auth").GetProperty("metadata").GetProperty("service_account_name").GetString());
    }

    [Fact]
    public async Task AnAppRoleLoginChecksRoleIdAndSecretId()
    {
        await using var emulator = await StartAsync();
        emulator.AddAppRole("svc", "role-1", "secret-1", TimeSpan.FromMinutes(20), TimeSpan.FromHours(1), ["app"]);
        using var wire = new VaultWire(emulator, _timeout);

        var login = await wire.PostAsync("auth/approle/login", null, """{"role_id":"role-1","secret_id":"secret-1"}""");
        var wrongSecret = await wire.PostAsync("auth/approle/login", null, """{"role_id":"role-1","secret_id":"nope"}""");
        var wrongRole = await wire.PostAsync("auth/approle/login", null, """{"role_id":"nope","secret_id":"secret-1"}""");
        var noRole = await wire.PostAsync("auth/approle/login", null, """{"secret_id":"secret-1"}""");
        var auth = login.Json.GetProperty("auth");
        var lookup = await wire.GetAsync("auth/token/lookup-self", auth.GetProperty("client_token").GetString());

        login.AssertEnvelope(string.Empty);
        Assert.Equal("""{"role_name":"svc"}""", auth.GetProperty("metadata").GetRawText());
        Assert.Equal(1200, auth.GetProperty("lease_duration").GetInt32());
        wrongSecret.AssertErrors(HttpStatusCode.BadRequest, "invalid role or secret ID");
        wrongRole.AssertErrors(HttpStatusCode.BadRequest, "invalid role or secret ID");
        noRole.AssertErrors(HttpStatusCode.BadRequest, "missing role_id");
        Assert.Equal("approle", lookup.Data.GetProperty("display_name").GetString());
        Assert.Equal("auth/approle/login", lookup.Data.GetProperty("path").GetString());
    }

    [Fact]
    public async Task TheUiMountsEndpointReportsTheKvVersionAsAString()
    {
        await using var emulator = await StartAsync();
        emulator.MountKv("kv1", 1);
        emulator.SetPolicy("kv1-only", "kv1/*");
        var limited = emulator.CreateToken(TimeSpan.FromHours(1), policies: ["kv1-only"]);
        using var wire = new VaultWire(emulator, _timeout);

        var v2 = await wire.GetAsync("sys/internal/ui/mounts/secret/myapp/db", emulator.RootToken);
        var v1 = await wire.GetAsync("sys/internal/ui/mounts/kv1", limited);
        var unknown = await wire.GetAsync("sys/internal/ui/mounts/nope", emulator.RootToken);
        var noAccess = await wire.GetAsync("sys/internal/ui/mounts/secret/x", limited);
        var noToken = await wire.GetAsync("sys/internal/ui/mounts/secret", token: null);

        v2.AssertEnvelope("system");
        Assert.Equal(
            ["accessor", "config", "description", "external_entropy_access", "local", "options", "path", "plugin_version", "running_plugin_version", "running_sha256", "seal_wrap", "type", "uuid"],
            VaultReply.Names(v2.Data));
        Assert.Equal("secret/", v2.Data.GetProperty("path").GetString());
        Assert.Equal("kv", v2.Data.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.String, v2.Data.GetProperty("options").GetProperty("version").ValueKind);
        Assert.Equal("2", v2.Data.GetProperty("options").GetProperty("version").GetString());
        Assert.Equal(2764800, v2.Data.GetProperty("config").GetProperty("default_lease_ttl").GetInt32());
        Assert.Equal("1", v1.Data.GetProperty("options").GetProperty("version").GetString());
        Assert.Equal("kv1/", v1.Data.GetProperty("path").GetString());
        unknown.AssertErrors(HttpStatusCode.Forbidden, "preflight capability check returned 403, please ensure client's policies grant access to path \"nope/\"");
        noAccess.AssertErrors(HttpStatusCode.Forbidden, "preflight capability check returned 403, please ensure client's policies grant access to path \"secret/x/\"");
        noToken.AssertErrors(HttpStatusCode.Forbidden, "permission denied");
    }

    private static string ServiceAccountJwt(string ns, string name, string uid)
    {
        static string Encode(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = Encode("""{"alg":"RS256","kid":"test"}""");
        var payload = Encode(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["aud"] = new[] { "vault" },
            ["iss"] = "https://kubernetes.default.svc",
            ["sub"] = $"system:serviceaccount:{ns}:{name}",
            ["kubernetes.io"] = new { @namespace = ns, serviceaccount = new { name, uid } },
        }));
        return $"{header}.{payload}.c2lnbmF0dXJl";
    }

    private Task<VaultEmulator> StartAsync(string? rootToken = null) =>
        VaultEmulator.StartAsync(new VaultEmulatorOptions { TimeProvider = _clock, RootToken = rootToken }, _timeout);
}
