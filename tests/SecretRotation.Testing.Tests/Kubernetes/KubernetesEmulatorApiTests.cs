using System.Net;
using System.Text;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>The API over raw HTTP: authentication, RBAC, optimistic concurrency, stringData, patches, selectors and Status errors.</summary>
public sealed class KubernetesEmulatorApiTests
{
    private const string Secrets = "/api/v1/namespaces/apps/secrets";

    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;

    [Fact]
    public async Task ARequestWithoutAValidBearerTokenIs401()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        var token = emulator.CreateServiceAccountToken("apps", "gone");
        Assert.True(emulator.RevokeToken(token));
        using var wire = new KubernetesWire(emulator, _timeout);

        var none = await wire.GetAsync(Secrets, token: null);
        var unknown = await wire.GetAsync(Secrets, "not-a-token");
        var revoked = await wire.GetAsync("/api", token);

        none.AssertStatus(HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized");
        unknown.AssertStatus(HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized");
        revoked.AssertStatus(HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized");
        Assert.Equal(["none", "invalid", "invalid"], emulator.Requests.Select(r => r.User));
    }

    [Fact]
    public async Task RbacDeniesWithTheApiServersMessageAndAllowsAListByResourceNameOnlyWithAFieldSelector()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["password"] = "v1" });
        emulator.SetSecret("apps", "other", new Dictionary<string, string> { ["password"] = "x" });
        var token = emulator.CreateServiceAccountToken("apps", "reader", new KubernetesRbacRule
        {
            Verbs = ["get", "list", "watch"],
            Resources = ["secrets"],
            ResourceNames = ["db"],
            Namespace = "apps",
        });
        using var wire = new KubernetesWire(emulator, _timeout);

        var get = await wire.GetAsync($"{Secrets}/db", token);
        var getOther = await wire.GetAsync($"{Secrets}/other", token);
        var listAll = await wire.GetAsync(Secrets, token);
        var listByName = await wire.GetAsync($"{Secrets}?fieldSelector=metadata.name%3Ddb", token);
        var listOtherName = await wire.GetAsync($"{Secrets}?fieldSelector=metadata.name%3Dother", token);
        var otherNamespace = await wire.GetAsync("/api/v1/namespaces/kube-system/secrets/db", token);
        var clusterWide = await wire.GetAsync("/api/v1/secrets", token);
        var create = await wire.PostAsync(Secrets, token, """{"metadata":{"name":"db2"}}""");
        var update = await wire.PutAsync($"{Secrets}/db", token, """{"metadata":{"name":"db"}}""");
        using var watchByName = await wire.WatchAsync($"{Secrets}?watch=1&fieldSelector=metadata.name%3Ddb", token);
        emulator.SetSecret("apps", "other", new Dictionary<string, string> { ["password"] = "y" });
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["password"] = "v2" });

        Assert.Equal(HttpStatusCode.OK, get.Status);
        const string User = "User \"system:serviceaccount:apps:reader\"";
        getOther.AssertStatus(
            HttpStatusCode.Forbidden, "Forbidden", $"secrets \"other\" is forbidden: {User} cannot get resource \"secrets\" in API group \"\" in the namespace \"apps\"");
        Assert.Equal("other", getOther.Json.GetProperty("details").GetProperty("name").GetString());
        Assert.Equal("secrets", getOther.Json.GetProperty("details").GetProperty("kind").GetString());
        listAll.AssertStatus(
            HttpStatusCode.Forbidden, "Forbidden", $"secrets is forbidden: {User} cannot list resource \"secrets\" in API group \"\" in the namespace \"apps\"");
        Assert.Equal(HttpStatusCode.OK, listByName.Status);
        Assert.Equal("db", Assert.Single(listByName.Json.GetProperty("items").EnumerateArray()).GetProperty("metadata").GetProperty("name").GetString());
        listOtherName.AssertStatus(
            HttpStatusCode.Forbidden, "Forbidden", $"secrets \"other\" is forbidden: {User} cannot list resource \"secrets\" in API group \"\" in the namespace \"apps\"");
        otherNamespace.AssertStatus(
            HttpStatusCode.Forbidden, "Forbidden", $"secrets \"db\" is forbidden: {User} cannot get resource \"secrets\" in API group \"\" in the namespace \"kube-system\"");
        clusterWide.AssertStatus(
            HttpStatusCode.Forbidden, "Forbidden", $"secrets is forbidden: {User} cannot list resource \"secrets\" in API group \"\" at the cluster scope");
        create.AssertStatus(
            HttpStatusCode.Forbidden, "Forbidden", $"secrets is forbidden: {User} cannot create resource \"secrets\" in API group \"\" in the namespace \"apps\"");
        Assert.Equal(HttpStatusCode.Forbidden, update.Status);
        Assert.Equal(HttpStatusCode.OK, watchByName.Status);
        var watched = (await watchByName.NextAsync()).GetValueOrDefault();
        Assert.Equal("ADDED", watched.GetProperty("type").GetString());
        Assert.Equal("db", watched.GetProperty("object").GetProperty("metadata").GetProperty("name").GetString());
        var modified = (await watchByName.NextAsync()).GetValueOrDefault();
        Assert.Equal("MODIFIED", modified.GetProperty("type").GetString());
        Assert.Equal("db", modified.GetProperty("object").GetProperty("metadata").GetProperty("name").GetString());
        Assert.Contains(emulator.Requests, r => r.Verb == "watch" && r.Name == "db" && r.User == "system:serviceaccount:apps:reader");
    }

    [Fact]
    public async Task AnUpdateWithAStaleResourceVersionIs409Conflict()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        var v1 = emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["password"] = "v1" });
        var v2 = emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["password"] = "v2" });
        using var wire = new KubernetesWire(emulator, _timeout);

        var stale = await wire.PutAsync($"{Secrets}/db", emulator.AdminToken, $$$"""{"metadata":{"name":"db","resourceVersion":"{{{v1}}}"},"stringData":{"password":"v3"}}""");
        var current = await wire.PutAsync($"{Secrets}/db", emulator.AdminToken, $$$"""{"metadata":{"name":"db","resourceVersion":"{{{v2}}}"},"stringData":{"password":"v3"}}""");
        var unconditional = await wire.PutAsync($"{Secrets}/db", emulator.AdminToken, """{"metadata":{"name":"db"},"stringData":{"password":"v4"}}""");
        var stalePatch = await wire.PatchAsync($"{Secrets}/db", emulator.AdminToken, $$$"""{"metadata":{"resourceVersion":"{{{v2}}}"},"stringData":{"password":"v5"}}""");
        var missing = await wire.PutAsync($"{Secrets}/nope", emulator.AdminToken, """{"metadata":{"name":"nope"}}""");

        stale.AssertStatus(
            HttpStatusCode.Conflict,
            "Conflict",
            "Operation cannot be fulfilled on secrets \"db\": the object has been modified; please apply your changes to the latest version and try again");
        Assert.Equal(HttpStatusCode.OK, current.Status);
        Assert.NotEqual(v2, current.Json.GetProperty("metadata").GetProperty("resourceVersion").GetString());
        Assert.Equal(HttpStatusCode.OK, unconditional.Status);
        Assert.Equal(HttpStatusCode.Conflict, stalePatch.Status);
        Assert.Equal("v4", Encoding.UTF8.GetString(emulator.GetSecret("apps", "db")!.Data["password"]));
        missing.AssertStatus(HttpStatusCode.NotFound, "NotFound", "secrets \"nope\" not found");
    }

    [Fact]
    public async Task StringDataIsMergedIntoDataAsBase64AndNeverReturned()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        using var wire = new KubernetesWire(emulator, _timeout);

        var created = await wire.PostAsync(
            Secrets,
            emulator.AdminToken,
            """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db"},"data":{"user":"YXBw","password":"b2xk"},"stringData":{"password":"néw"}}""");
        var read = await wire.GetAsync($"{Secrets}/db", emulator.AdminToken);
        var again = await wire.PostAsync(Secrets, emulator.AdminToken, """{"metadata":{"name":"db"}}""");

        Assert.Equal(HttpStatusCode.Created, created.Status);
        foreach (var reply in new[] { created, read })
        {
            Assert.False(reply.Json.TryGetProperty("stringData", out _));
            Assert.Equal("Opaque", reply.Json.GetProperty("type").GetString());
            Assert.Equal("YXBw", reply.Json.GetProperty("data").GetProperty("user").GetString());
            Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("néw")), reply.Json.GetProperty("data").GetProperty("password").GetString());
            Assert.Equal("apps", reply.Json.GetProperty("metadata").GetProperty("namespace").GetString());
            Assert.Matches("^[0-9a-f-]{36}$", reply.Json.GetProperty("metadata").GetProperty("uid").GetString());
        }

        again.AssertStatus(HttpStatusCode.Conflict, "AlreadyExists", "secrets \"db\" already exists");
    }

    [Fact]
    public async Task PatchesMergeIntoTheStoredObject()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["user"] = "app", ["password"] = "v1" });
        using var wire = new KubernetesWire(emulator, _timeout);

        var merge = await wire.PatchAsync($"{Secrets}/db", emulator.AdminToken, """{"data":{"user":null},"stringData":{"password":"v2"},"metadata":{"labels":{"tier":"db"}}}""");
        var strategic = await wire.PatchAsync(
            $"{Secrets}/db", emulator.AdminToken, """{"stringData":{"extra":"e"}}""", "application/strategic-merge-patch+json");
        var json = await wire.PatchAsync(
            $"{Secrets}/db", emulator.AdminToken, """[{"op":"remove","path":"/data/extra"},{"op":"add","path":"/metadata/labels/app","value":"web"}]""", "application/json-patch+json");
        var unsupported = await wire.PatchAsync($"{Secrets}/db", emulator.AdminToken, "{}", "application/apply-patch+yaml");

        Assert.Equal(HttpStatusCode.OK, merge.Status);
        Assert.False(merge.Json.GetProperty("data").TryGetProperty("user", out _));
        Assert.Equal(HttpStatusCode.OK, strategic.Status);
        Assert.Equal(HttpStatusCode.OK, json.Status);
        var stored = emulator.GetSecret("apps", "db")!;
        Assert.Equal(["password"], stored.Data.Keys);
        Assert.Equal("v2", Encoding.UTF8.GetString(stored.Data["password"]));
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "db", ["app"] = "web" }, stored.Labels);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported.Status);
    }

    [Fact]
    public async Task ALabelSelectorWatchSeesObjectsLeaveAndEnterIt()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        var tier = new Dictionary<string, string> { ["tier"] = "db" };
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = "1" }, tier);
        emulator.SetSecret("apps", "web", new Dictionary<string, string> { ["k"] = "1" });
        using var wire = new KubernetesWire(emulator, _timeout);

        var list = await wire.GetAsync($"{Secrets}?labelSelector=tier%3Ddb", emulator.AdminToken);
        using var watch = await wire.WatchAsync(
            $"{Secrets}?watch=1&labelSelector=tier%20in%20(db)&resourceVersion={emulator.ResourceVersion}", emulator.AdminToken);
        var left = emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = "1" });
        emulator.SetSecret("apps", "web", new Dictionary<string, string> { ["k"] = "1" }, tier);
        var unchanged = emulator.SetSecret("apps", "web", new Dictionary<string, string> { ["k"] = "1" }, tier);

        Assert.Equal("db", Assert.Single(list.Json.GetProperty("items").EnumerateArray()).GetProperty("metadata").GetProperty("name").GetString());
        var deleted = (await watch.NextAsync()).GetValueOrDefault();
        var added = (await watch.NextAsync()).GetValueOrDefault();
        Assert.Equal("DELETED", deleted.GetProperty("type").GetString());
        Assert.Equal("db", deleted.GetProperty("object").GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal(left, deleted.GetProperty("object").GetProperty("metadata").GetProperty("resourceVersion").GetString());
        Assert.Equal("ADDED", added.GetProperty("type").GetString());
        Assert.Equal("web", added.GetProperty("object").GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal(unchanged, emulator.GetSecret("apps", "web")!.ResourceVersion);
    }

    [Fact]
    public async Task DeleteAnswersASuccessStatusAndNotFoundAfterwards()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        emulator.SetSecret("apps", "db", new Dictionary<string, string> { ["k"] = "1" });
        var uid = emulator.GetSecret("apps", "db")!.Uid;
        using var wire = new KubernetesWire(emulator, _timeout);

        var deleted = await wire.DeleteAsync($"{Secrets}/db", emulator.AdminToken);
        var again = await wire.DeleteAsync($"{Secrets}/db", emulator.AdminToken);

        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal("Success", deleted.Json.GetProperty("status").GetString());
        Assert.Equal("db", deleted.Json.GetProperty("details").GetProperty("name").GetString());
        Assert.Equal("secrets", deleted.Json.GetProperty("details").GetProperty("kind").GetString());
        Assert.Equal(uid, deleted.Json.GetProperty("details").GetProperty("uid").GetString());
        again.AssertStatus(HttpStatusCode.NotFound, "NotFound", "secrets \"db\" not found");
        Assert.Null(emulator.GetSecret("apps", "db"));
    }

    [Fact]
    public async Task InvalidObjectsAre422AndOversizedBodies413()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(new KubernetesEmulatorOptions { MaxRequestBodyBytes = 1024 }, _timeout);
        using var wire = new KubernetesWire(emulator, _timeout);

        var badKey = await wire.PostAsync(Secrets, emulator.AdminToken, """{"metadata":{"name":"db"},"stringData":{"a/b":"x"}}""");
        var badName = await wire.PostAsync(Secrets, emulator.AdminToken, """{"metadata":{"name":"Bad_Name"}}""");
        var huge = await wire.PostAsync(Secrets, emulator.AdminToken, $$$"""{"metadata":{"name":"db"},"stringData":{"k":"{{{new string('x', 2048)}}}"}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, badKey.Status);
        Assert.StartsWith("Secret \"db\" is invalid: stringData[a/b]: Invalid value: \"a/b\": a valid config key must consist of", badKey.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("Invalid", badKey.Json.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badName.Status);
        huge.AssertStatus(HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge", "Request entity too large: limit is 1024");
    }

    [Fact]
    public async Task ConfigMapsAreServedTheSameWay()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(cancellationToken: _timeout);
        emulator.SetConfigMap("apps", "settings", new Dictionary<string, string> { ["mode"] = "a" });
        using var wire = new KubernetesWire(emulator, _timeout);

        var list = await wire.GetAsync("/api/v1/namespaces/apps/configmaps", emulator.AdminToken);
        using var watch = await wire.WatchAsync($"/api/v1/watch/namespaces/apps/configmaps/settings?resourceVersion={emulator.ResourceVersion}", emulator.AdminToken);
        emulator.SetSecret("apps", "settings", new Dictionary<string, string> { ["mode"] = "not a config map" });
        emulator.SetConfigMap("apps", "settings", new Dictionary<string, string> { ["mode"] = "b" });

        Assert.Equal("ConfigMapList", list.Json.GetProperty("kind").GetString());
        Assert.Equal("a", Assert.Single(list.Json.GetProperty("items").EnumerateArray()).GetProperty("data").GetProperty("mode").GetString());
        var modified = (await watch.NextAsync()).GetValueOrDefault();
        Assert.Equal("MODIFIED", modified.GetProperty("type").GetString());
        Assert.Equal("ConfigMap", modified.GetProperty("object").GetProperty("kind").GetString());
        Assert.Equal("b", modified.GetProperty("object").GetProperty("data").GetProperty("mode").GetString());
    }
}
