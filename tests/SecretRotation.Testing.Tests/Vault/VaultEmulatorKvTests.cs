using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>KV v1 and v2 over raw HTTP: shapes, status codes, check-and-set, soft delete and destroy, lists and metadata.</summary>
public sealed class VaultEmulatorKvTests
{
    // A start time with a sub-second part, to see Go's RFC 3339 formatting (trailing zeros trimmed).
    private static readonly DateTimeOffset s_start = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);

    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;
    private readonly FakeTimeProvider _clock = new(s_start);

    [Fact]
    public async Task AKvV2ReadHasTheEnvelopeAndVersionMetadata()
    {
        await using var emulator = await StartAsync();
        emulator.WriteKv("secret/myapp/db", new Dictionary<string, object?> { ["password"] = "p1", ["port"] = 5432 });
        using var wire = new VaultWire(emulator, _timeout);

        var reply = await wire.GetAsync("secret/data/myapp/db", emulator.RootToken);

        reply.AssertEnvelope("kv");
        var root = reply.Json;
        Assert.Equal(string.Empty, root.GetProperty("lease_id").GetString());
        Assert.False(root.GetProperty("renewable").GetBoolean());
        Assert.Equal(0, root.GetProperty("lease_duration").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("warnings").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("auth").ValueKind);
        Assert.Equal(["data", "metadata"], VaultReply.Names(reply.Data));
        Assert.Equal("p1", reply.Data.GetProperty("data").GetProperty("password").GetString());
        Assert.Equal(5432, reply.Data.GetProperty("data").GetProperty("port").GetInt32());
        var metadata = reply.Data.GetProperty("metadata");
        Assert.Equal(["created_time", "custom_metadata", "deletion_time", "destroyed", "version"], VaultReply.Names(metadata));
        Assert.Equal("2026-03-01T12:00:00.123456Z", metadata.GetProperty("created_time").GetString());
        Assert.Equal(JsonValueKind.Null, metadata.GetProperty("custom_metadata").ValueKind);
        Assert.Equal(string.Empty, metadata.GetProperty("deletion_time").GetString());
        Assert.False(metadata.GetProperty("destroyed").GetBoolean());
        Assert.Equal(1, metadata.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task WritesFollowCheckAndSet()
    {
        await using var emulator = await StartAsync();
        using var wire = new VaultWire(emulator, _timeout);
        var token = emulator.RootToken;

        var created = await wire.PostAsync("secret/data/app", token, """{"options":{"cas":0},"data":{"a":"1"}}""");
        var again = await wire.PostAsync("secret/data/app", token, """{"options":{"cas":0},"data":{"a":"2"}}""");
        var matched = await wire.PutAsync("secret/data/app", token, """{"options":{"cas":1},"data":{"a":"2"}}""");
        var stale = await wire.PostAsync("secret/data/app", token, """{"options":{"cas":5},"data":{"a":"3"}}""");
        var unconditional = await wire.PostAsync("secret/data/app", token, """{"data":{"a":"3"}}""");

        created.AssertEnvelope("kv");
        Assert.Equal(["created_time", "custom_metadata", "deletion_time", "destroyed", "version"], VaultReply.Names(created.Data));
        Assert.Equal(1, created.Data.GetProperty("version").GetInt32());
        again.AssertErrors(HttpStatusCode.BadRequest, "check-and-set parameter did not match the current version");
        Assert.Equal(2, matched.Data.GetProperty("version").GetInt32());
        stale.AssertErrors(HttpStatusCode.BadRequest, "check-and-set parameter did not match the current version");
        Assert.Equal(3, unconditional.Data.GetProperty("version").GetInt32());
        Assert.Equal("3", emulator.ReadKv("secret/app")!.Value.GetProperty("a").GetString());
    }

    [Fact]
    public async Task CasRequiredOnAKeyRejectsWritesWithoutCas()
    {
        await using var emulator = await StartAsync();
        using var wire = new VaultWire(emulator, _timeout);

        var setting = await wire.PostAsync("secret/metadata/guarded", emulator.RootToken, """{"cas_required":true}""");
        var withoutCas = await wire.PostAsync("secret/data/guarded", emulator.RootToken, """{"data":{"a":"1"}}""");
        var withCas = await wire.PostAsync("secret/data/guarded", emulator.RootToken, """{"options":{"cas":0},"data":{"a":"1"}}""");

        Assert.Equal(HttpStatusCode.NoContent, setting.Status);
        Assert.Equal(string.Empty, setting.Body);
        withoutCas.AssertErrors(HttpStatusCode.BadRequest, "check-and-set parameter required for this call");
        Assert.Equal(HttpStatusCode.OK, withCas.Status);
    }

    [Fact]
    public async Task DeletedAndDestroyedVersionsAnswer404WithTheirMetadata()
    {
        await using var emulator = await StartAsync();
        emulator.WriteKv("secret/app", new Dictionary<string, object?> { ["v"] = "1" });
        emulator.WriteKv("secret/app", new Dictionary<string, object?> { ["v"] = "2" });
        using var wire = new VaultWire(emulator, _timeout);
        var token = emulator.RootToken;
        _clock.Advance(TimeSpan.FromSeconds(5));

        var deleting = await wire.DeleteAsync("secret/data/app", token);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var deleted = await wire.GetAsync("secret/data/app", token);
        var older = await wire.GetAsync("secret/data/app?version=1", token);
        var undeleting = await wire.PostAsync("secret/undelete/app", token, """{"versions":[2]}""");
        var undeleted = await wire.GetAsync("secret/data/app", token);
        var destroying = await wire.PutAsync("secret/destroy/app", token, """{"versions":[2]}""");
        var destroyed = await wire.GetAsync("secret/data/app", token);
        var noVersions = await wire.PostAsync("secret/delete/app", token, """{"versions":[]}""");
        var noVersionsToDestroy = await wire.PostAsync("secret/destroy/app", token, "{}");

        Assert.Equal(HttpStatusCode.NoContent, deleting.Status);
        Assert.Equal(HttpStatusCode.NotFound, deleted.Status);
        Assert.Equal(VaultReply.EnvelopeFields, VaultReply.Names(deleted.Json));
        Assert.False(deleted.Json.TryGetProperty("errors", out _));
        Assert.Equal(JsonValueKind.Null, deleted.Data.GetProperty("data").ValueKind);
        var deletedMetadata = deleted.Data.GetProperty("metadata");
        Assert.Equal("2026-03-01T12:00:05.123456Z", deletedMetadata.GetProperty("deletion_time").GetString());
        Assert.False(deletedMetadata.GetProperty("destroyed").GetBoolean());
        Assert.Equal(2, deletedMetadata.GetProperty("version").GetInt32());
        Assert.Equal("1", older.Data.GetProperty("data").GetProperty("v").GetString());
        Assert.Equal(HttpStatusCode.NoContent, undeleting.Status);
        Assert.Equal("2", undeleted.Data.GetProperty("data").GetProperty("v").GetString());
        Assert.Equal(HttpStatusCode.NoContent, destroying.Status);
        Assert.Equal(HttpStatusCode.NotFound, destroyed.Status);
        Assert.Equal(JsonValueKind.Null, destroyed.Data.GetProperty("data").ValueKind);
        Assert.True(destroyed.Data.GetProperty("metadata").GetProperty("destroyed").GetBoolean());
        Assert.Equal(string.Empty, destroyed.Data.GetProperty("metadata").GetProperty("deletion_time").GetString());
        noVersions.AssertErrors(HttpStatusCode.BadRequest, "No version number provided");
        noVersionsToDestroy.AssertErrors(HttpStatusCode.BadRequest, "no version number provided");
    }

    [Fact]
    public async Task MissingSecretsVersionsAndListsAnswer404WithEmptyErrors()
    {
        await using var emulator = await StartAsync();
        emulator.WriteKv("secret/app", new Dictionary<string, object?> { ["v"] = "1" });
        using var wire = new VaultWire(emulator, _timeout);

        var missing = await wire.GetAsync("secret/data/none", emulator.RootToken);
        var futureVersion = await wire.GetAsync("secret/data/app?version=7", emulator.RootToken);
        var missingMetadata = await wire.GetAsync("secret/metadata/none", emulator.RootToken);
        var emptyList = await wire.ListAsync("secret/metadata/none", emulator.RootToken);

        missing.AssertErrors(HttpStatusCode.NotFound);
        Assert.Equal("{\"errors\":[]}\n", missing.Body);
        futureVersion.AssertErrors(HttpStatusCode.NotFound);
        missingMetadata.AssertErrors(HttpStatusCode.NotFound);
        emptyList.AssertErrors(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ListsShowChildrenWithFoldersEndingInASlash()
    {
        await using var emulator = await StartAsync();
        foreach (var path in new[] { "secret/myapp/db", "secret/myapp/cache", "secret/myapp/nested/x", "secret/other" })
        {
            emulator.WriteKv(path, new Dictionary<string, object?> { ["v"] = "1" });
        }

        using var wire = new VaultWire(emulator, _timeout);

        var listVerb = await wire.ListAsync("secret/metadata/myapp", emulator.RootToken);
        var listQuery = await wire.GetAsync("secret/metadata/myapp/?list=true", emulator.RootToken);
        var root = await wire.ListAsync("secret/metadata/", emulator.RootToken);

        listVerb.AssertEnvelope("kv");
        Assert.Equal(["keys"], VaultReply.Names(listVerb.Data));
        Assert.Equal(["cache", "db", "nested/"], Keys(listVerb));
        Assert.Equal(["cache", "db", "nested/"], Keys(listQuery));
        Assert.Equal(["myapp/", "other"], Keys(root));
    }

    [Fact]
    public async Task MetadataListsVersionsAndCustomMetadata()
    {
        await using var emulator = await StartAsync();
        using var wire = new VaultWire(emulator, _timeout);
        var token = emulator.RootToken;
        for (var i = 1; i <= 3; i++)
        {
            await wire.PostAsync("secret/data/app", token, $$$"""{"data":{"v":"{{{i}}}"}}""");
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        var written = await wire.PostAsync("secret/metadata/app", token, """{"custom_metadata":{"owner":"jdoe","tier":"1"}}""");
        var metadata = await wire.GetAsync("secret/metadata/app", token);
        var data = await wire.GetAsync("secret/data/app", token);

        Assert.Equal(HttpStatusCode.NoContent, written.Status);
        metadata.AssertEnvelope("kv");
        Assert.Equal(
            ["cas_required", "created_time", "current_version", "custom_metadata", "delete_version_after", "max_versions", "oldest_version", "updated_time", "versions"],
            VaultReply.Names(metadata.Data));
        Assert.False(metadata.Data.GetProperty("cas_required").GetBoolean());
        Assert.Equal("2026-03-01T12:00:00.123456Z", metadata.Data.GetProperty("created_time").GetString());
        Assert.Equal("2026-03-01T12:00:02.123456Z", metadata.Data.GetProperty("updated_time").GetString());
        Assert.Equal(3, metadata.Data.GetProperty("current_version").GetInt32());
        Assert.Equal(0, metadata.Data.GetProperty("oldest_version").GetInt32());
        Assert.Equal(0, metadata.Data.GetProperty("max_versions").GetInt32());
        Assert.Equal("0s", metadata.Data.GetProperty("delete_version_after").GetString());
        Assert.Equal("jdoe", metadata.Data.GetProperty("custom_metadata").GetProperty("owner").GetString());
        var versions = metadata.Data.GetProperty("versions");
        Assert.Equal(["1", "2", "3"], VaultReply.Names(versions));
        Assert.Equal(["created_time", "deletion_time", "destroyed"], VaultReply.Names(versions.GetProperty("2")));
        Assert.Equal("2026-03-01T12:00:01.123456Z", versions.GetProperty("2").GetProperty("created_time").GetString());
        Assert.Equal("1", data.Data.GetProperty("metadata").GetProperty("custom_metadata").GetProperty("tier").GetString());
    }

    [Fact]
    public async Task MaxVersionsTrimsTheOldestVersions()
    {
        await using var emulator = await StartAsync();
        using var wire = new VaultWire(emulator, _timeout);
        var token = emulator.RootToken;

        await wire.PostAsync("secret/metadata/app", token, """{"max_versions":2}""");
        for (var i = 1; i <= 3; i++)
        {
            emulator.WriteKv("secret/app", new Dictionary<string, object?> { ["v"] = i });
        }

        var first = await wire.GetAsync("secret/data/app?version=1", token);
        var second = await wire.GetAsync("secret/data/app?version=2", token);
        var metadata = await wire.GetAsync("secret/metadata/app", token);

        first.AssertErrors(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(2, metadata.Data.GetProperty("oldest_version").GetInt32());
        Assert.Equal(2, metadata.Data.GetProperty("max_versions").GetInt32());
        Assert.Equal(["2", "3"], VaultReply.Names(metadata.Data.GetProperty("versions")));
    }

    [Fact]
    public async Task DeleteVersionAfterSchedulesDeletionOnTheEmulatorClock()
    {
        await using var emulator = await StartAsync();
        using var wire = new VaultWire(emulator, _timeout);
        var token = emulator.RootToken;

        await wire.PostAsync("secret/metadata/temp", token, """{"delete_version_after":"1h"}""");
        var written = await wire.PostAsync("secret/data/temp", token, """{"data":{"v":"1"}}""");
        var beforeDeadline = await wire.GetAsync("secret/data/temp", token);
        _clock.Advance(TimeSpan.FromHours(1));
        var afterDeadline = await wire.GetAsync("secret/data/temp", token);
        var metadata = await wire.GetAsync("secret/metadata/temp", token);

        Assert.Equal("2026-03-01T13:00:00.123456Z", written.Data.GetProperty("deletion_time").GetString());
        Assert.Equal(HttpStatusCode.OK, beforeDeadline.Status);
        Assert.Equal(HttpStatusCode.NotFound, afterDeadline.Status);
        Assert.Equal("2026-03-01T13:00:00.123456Z", afterDeadline.Data.GetProperty("metadata").GetProperty("deletion_time").GetString());
        Assert.Equal("1h0m0s", metadata.Data.GetProperty("delete_version_after").GetString());
    }

    [Fact]
    public async Task DeletingMetadataRemovesTheKeyAndAllVersions()
    {
        await using var emulator = await StartAsync();
        emulator.WriteKv("secret/app", new Dictionary<string, object?> { ["v"] = "1" });
        emulator.WriteKv("secret/keep", new Dictionary<string, object?> { ["v"] = "1" });
        using var wire = new VaultWire(emulator, _timeout);

        var deleting = await wire.DeleteAsync("secret/metadata/app", emulator.RootToken);
        var read = await wire.GetAsync("secret/data/app", emulator.RootToken);
        var list = await wire.ListAsync("secret/metadata", emulator.RootToken);

        Assert.Equal(HttpStatusCode.NoContent, deleting.Status);
        read.AssertErrors(HttpStatusCode.NotFound);
        Assert.Equal(["keep"], Keys(list));
    }

    [Fact]
    public async Task AV1StylePathOnAV2MountAnswers404WithTheWarning()
    {
        await using var emulator = await StartAsync();
        emulator.WriteKv("secret/myapp/db", new Dictionary<string, object?> { ["v"] = "1" });
        using var wire = new VaultWire(emulator, _timeout);

        var read = await wire.GetAsync("secret/myapp/db", emulator.RootToken);
        var write = await wire.PutAsync("secret/myapp/db", emulator.RootToken, """{"v":"2"}""");

        Assert.Equal(HttpStatusCode.NotFound, read.Status);
        Assert.Equal(VaultReply.EnvelopeFields, VaultReply.Names(read.Json));
        Assert.Equal(JsonValueKind.Null, read.Data.ValueKind);
        Assert.Equal(
            "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.",
            Assert.Single(read.Json.GetProperty("warnings").EnumerateArray()).GetString());
        Assert.Contains("'vault kv put'", write.Json.GetProperty("warnings")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PatchMergesIntoANewVersionAndNeedsTheMergePatchContentType()
    {
        await using var emulator = await StartAsync();
        emulator.WriteKv("secret/app", new Dictionary<string, object?> { ["a"] = "1", ["b"] = "2" });
        using var wire = new VaultWire(emulator, _timeout);

        var patched = await wire.SendAsync("PATCH", "secret/data/app", emulator.RootToken, """{"data":{"b":null,"c":"3"}}""", "application/merge-patch+json");
        var wrongType = await wire.SendAsync("PATCH", "secret/data/app", emulator.RootToken, """{"data":{"c":"4"}}""");
        var read = await wire.GetAsync("secret/data/app", emulator.RootToken);

        Assert.Equal(2, patched.Data.GetProperty("version").GetInt32());
        wrongType.AssertErrors(HttpStatusCode.UnsupportedMediaType, "PATCH requires Content-Type of application/merge-patch+json, provided application/json");
        Assert.Equal("""{"a":"1","c":"3"}""", read.Data.GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task KvV2ReturnsNumbersAsFloat64AndKeysSortedWhileKvV1KeepsNumberText()
    {
        await using var emulator = await StartAsync();
        emulator.MountKv("kv1", 1);
        using var wire = new VaultWire(emulator, _timeout);
        const string data = """{"z":{"b":1,"a":2},"n":1.50,"big":12345678901234567890,"tiny":0.0000001}""";

        await wire.PostAsync("secret/data/numbers", emulator.RootToken, $$"""{"data":{{data}}}""");
        await wire.PostAsync("kv1/numbers", emulator.RootToken, data);
        var v2 = await wire.GetAsync("secret/data/numbers", emulator.RootToken);
        var v1 = await wire.GetAsync("kv1/numbers", emulator.RootToken);

        Assert.Equal("""{"big":12345678901234567000,"n":1.5,"tiny":1e-7,"z":{"a":2,"b":1}}""", v2.Data.GetProperty("data").GetRawText());
        Assert.Equal("""{"big":12345678901234567890,"n":1.50,"tiny":0.0000001,"z":{"a":2,"b":1}}""", v1.Data.GetRawText());
    }

    [Fact]
    public async Task KvV1ReadsReportTheTtlKeyAsLeaseDuration()
    {
        await using var emulator = await StartAsync();
        emulator.MountKv("kv1", 1);
        using var wire = new VaultWire(emulator, _timeout);
        var token = emulator.RootToken;

        var write = await wire.PutAsync("kv1/app", token, """{"password":"p","ttl":"1h30m"}""");
        await wire.PostAsync("kv1/plain", token, """{"a":"b"}""");
        await wire.PostAsync("kv1/seconds", token, """{"ttl":90}""");
        await wire.PostAsync("kv1/unparsable", token, """{"ttl":"soon"}""");
        var empty = await wire.PostAsync("kv1/empty", token, "{}");
        emulator.WriteKv("kv1/direct", new Dictionary<string, object?> { ["ttl"] = "30s", ["v"] = "x" });

        var app = await wire.GetAsync("kv1/app", token);
        Assert.Equal(HttpStatusCode.NoContent, write.Status);
        app.AssertEnvelope("kv");
        Assert.Equal(string.Empty, app.Json.GetProperty("lease_id").GetString());
        Assert.False(app.Json.GetProperty("renewable").GetBoolean());
        Assert.Equal(5400, app.Json.GetProperty("lease_duration").GetInt32());
        Assert.Equal("""{"password":"p","ttl":"1h30m"}""", app.Data.GetRawText());
        Assert.Equal(2764800, (await wire.GetAsync("kv1/plain", token)).Json.GetProperty("lease_duration").GetInt32());
        Assert.Equal(90, (await wire.GetAsync("kv1/seconds", token)).Json.GetProperty("lease_duration").GetInt32());
        Assert.Equal(2764800, (await wire.GetAsync("kv1/unparsable", token)).Json.GetProperty("lease_duration").GetInt32());
        var direct = await wire.GetAsync("kv1/direct", token);
        Assert.Equal(30, direct.Json.GetProperty("lease_duration").GetInt32());
        Assert.Equal("30s", direct.Data.GetProperty("ttl").GetString());
        empty.AssertErrors(HttpStatusCode.BadRequest, "missing data fields");
    }

    [Fact]
    public async Task KvV1ListsDeletesAndMisses()
    {
        await using var emulator = await StartAsync();
        emulator.MountKv("kv1", 1);
        emulator.WriteKv("kv1/a", new Dictionary<string, object?> { ["v"] = "1" });
        emulator.WriteKv("kv1/dir/b", new Dictionary<string, object?> { ["v"] = "1" });
        using var wire = new VaultWire(emulator, _timeout);
        var token = emulator.RootToken;

        var list = await wire.ListAsync("kv1/", token);
        var deleting = await wire.DeleteAsync("kv1/a", token);
        var gone = await wire.GetAsync("kv1/a", token);
        var emptyFolder = await wire.ListAsync("kv1/none", token);

        list.AssertEnvelope("kv");
        Assert.Equal(0, list.Json.GetProperty("lease_duration").GetInt32());
        Assert.Equal(["a", "dir/"], Keys(list));
        Assert.Equal(HttpStatusCode.NoContent, deleting.Status);
        gone.AssertErrors(HttpStatusCode.NotFound);
        emptyFolder.AssertErrors(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DirectMethodsArrangeAndInspectState()
    {
        await using var emulator = await StartAsync();
        using var wire = new VaultWire(emulator, _timeout);

        var first = emulator.WriteKv("secret/app", new Dictionary<string, object?> { ["v"] = "1" });
        var second = emulator.WriteKv("secret/app", new Dictionary<string, object?> { ["v"] = "2" });
        emulator.DeleteKvVersions("secret/app");
        var afterDelete = emulator.ReadKv("secret/app");
        var firstStill = emulator.ReadKv("secret/app", 1);
        emulator.DestroyKvVersions("secret/app", 1);
        var destroyed = await wire.GetAsync("secret/data/app?version=1", emulator.RootToken);

        Assert.Equal((1, 2), (first, second));
        Assert.Null(afterDelete);
        Assert.Equal("1", firstStill!.Value.GetProperty("v").GetString());
        Assert.True(destroyed.Data.GetProperty("metadata").GetProperty("destroyed").GetBoolean());
        Assert.Throws<ArgumentOutOfRangeException>(() => emulator.MountKv("kv3", 3));
        Assert.Throws<InvalidOperationException>(() => emulator.WriteKv("nomount/x", new Dictionary<string, object?>()));
        Assert.Throws<ArgumentException>(() => emulator.DestroyKvVersions("secret/app"));
    }

    [Fact]
    public async Task UndeleteBringsASoftDeletedCurrentVersionBackAndTheMetadataSaysWhichVersionIsDeleted()
    {
        await using var emulator = await StartAsync();
        using var wire = new VaultWire(emulator, _timeout);
        emulator.WriteKv("secret/app", new Dictionary<string, object?> { ["v"] = "1" });

        emulator.DeleteKvVersions("secret/app");
        var deleted = (await wire.GetAsync("secret/metadata/app", emulator.RootToken)).Data;
        emulator.UndeleteKvVersions("secret/app");
        var undeleted = (await wire.GetAsync("secret/metadata/app", emulator.RootToken)).Data;

        // current_version does not move; versions{"1"} carries deletion_time (RFC 3339, "" when not deleted) and destroyed.
        Assert.Equal(1, deleted.GetProperty("current_version").GetInt32());
        var version = deleted.GetProperty("versions").GetProperty("1");
        Assert.NotEqual(string.Empty, version.GetProperty("deletion_time").GetString());
        Assert.False(version.GetProperty("destroyed").GetBoolean());
        Assert.Equal(string.Empty, undeleted.GetProperty("versions").GetProperty("1").GetProperty("deletion_time").GetString());
        Assert.Equal("1", emulator.ReadKv("secret/app")!.Value.GetProperty("v").GetString());
        emulator.MountKv("kv1", 1);
        emulator.WriteKv("kv1/app", new Dictionary<string, object?> { ["v"] = "1" });
        Assert.Throws<InvalidOperationException>(() => emulator.UndeleteKvVersions("kv1/app"));
    }

    private static string[] Keys(VaultReply reply) =>
        [.. reply.Data.GetProperty("keys").EnumerateArray().Select(key => key.GetString()!)];

    private Task<VaultEmulator> StartAsync() =>
        VaultEmulator.StartAsync(new VaultEmulatorOptions { TimeProvider = _clock }, _timeout);
}
