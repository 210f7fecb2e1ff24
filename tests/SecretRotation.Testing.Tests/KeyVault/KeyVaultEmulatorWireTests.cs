using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary>The emulator's wire format checked with a raw HTTP client: what the REST spec and recordings of the service say, byte for byte where it matters.</summary>
public sealed partial class KeyVaultEmulatorWireTests
{
    private const string ApiVersion = "2026-04-01";

    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;

    [Fact]
    public async Task ARequestWithoutATokenGetsTheChallenge()
    {
        var tenant = Guid.NewGuid();
        await using var emulator = await KeyVaultEmulator.StartAsync(new KeyVaultEmulatorOptions { TenantId = tenant }, _timeout);
        using var http = CreateHttpClient(emulator, token: null);

        using var response = await http.GetAsync($"secrets/x?api-version={ApiVersion}", _timeout);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            $"Bearer authorization=\"https://login.microsoftonline.com/{tenant:D}\", resource=\"https://vault.azure.net\"",
            Assert.Single(response.Headers.GetValues("WWW-Authenticate")));
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("{\"error\":{\"code\":\"Unauthorized\",\"message\":\"Request is missing a Bearer or PoP token.\"}}",
            await response.Content.ReadAsStringAsync(_timeout));
        var logged = Assert.Single(emulator.Requests);
        Assert.True(logged.IsChallenge);
        Assert.Equal(ApiVersion, logged.ApiVersion);
        Assert.Equal($"api-version={ApiVersion}", logged.Query);
    }

    [Fact]
    public async Task APutWithoutATokenIsChallengedBeforeItsBodyIsRead()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        using var anonymous = CreateHttpClient(emulator, token: null);
        using var authenticated = CreateHttpClient(emulator);

        using var challenged = await anonymous.PutAsync($"secrets/x?api-version={ApiVersion}", Json("{not json"), _timeout);
        using var empty = await anonymous.PutAsync($"secrets/x?api-version={ApiVersion}", new ByteArrayContent([]), _timeout);
        using var rejected = await authenticated.PutAsync($"secrets/x?api-version={ApiVersion}", Json("{not json"), _timeout);
        using var noValue = await authenticated.PutAsync($"secrets/x?api-version={ApiVersion}", Json("{\"contentType\":\"a\"}"), _timeout);

        Assert.Equal(HttpStatusCode.Unauthorized, challenged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, empty.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.Equal("BadParameter", (await ReadErrorAsync(rejected)).Code);
        Assert.Equal(HttpStatusCode.BadRequest, noValue.StatusCode);
        Assert.Equal("BadParameter", (await ReadErrorAsync(noValue)).Code);
    }

    [Fact]
    public async Task LatestIsServedWithAndWithoutATrailingSlash()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        emulator.SetSecret("db-password", "old");
        var version = emulator.SetSecret("db-password", "p1", contentType: "text/plain", tags: new Dictionary<string, string> { ["owner"] = "team-a" });
        using var http = CreateHttpClient(emulator);

        using var withoutSlash = await ReadJsonAsync(http, $"secrets/db-password?api-version={ApiVersion}");
        using var withSlash = await ReadJsonAsync(http, $"secrets/db-password/?api-version={ApiVersion}");
        using var byVersion = await ReadJsonAsync(http, $"secrets/db-password/{version}?api-version={ApiVersion}");
        using var otherCase = await ReadJsonAsync(http, $"secrets/DB-PASSWORD?api-version={ApiVersion}");

        foreach (var document in new[] { withoutSlash, withSlash, byVersion, otherCase })
        {
            var root = document.RootElement;
            Assert.Equal("p1", root.GetProperty("value").GetString());
            Assert.Equal($"https://127.0.0.1:{emulator.VaultUri.Port}/secrets/db-password/{version}", root.GetProperty("id").GetString());
            Assert.Equal("text/plain", root.GetProperty("contentType").GetString());
            Assert.Equal("team-a", root.GetProperty("tags").GetProperty("owner").GetString());
            Assert.False(root.TryGetProperty("managed", out _));
        }
    }

    [Fact]
    public async Task AttributesAreIntegerUnixSeconds()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        var notBefore = new DateTimeOffset(2030, 1, 1, 0, 0, 0, 500, TimeSpan.Zero);
        emulator.SetSecret("x", "1", notBefore: notBefore, expiresOn: notBefore.AddDays(30));
        using var http = CreateHttpClient(emulator);

        using var bundle = await ReadJsonAsync(http, $"secrets/x?api-version={ApiVersion}");
        using var list = await ReadJsonAsync(http, $"secrets?api-version={ApiVersion}");

        foreach (var attributes in new[] { bundle.RootElement.GetProperty("attributes"), list.RootElement.GetProperty("value")[0].GetProperty("attributes") })
        {
            foreach (var name in new[] { "nbf", "exp", "created", "updated", "recoverableDays" })
            {
                var value = attributes.GetProperty(name);
                Assert.Equal(JsonValueKind.Number, value.ValueKind);
                Assert.Matches(IntegerPattern(), value.GetRawText());
            }

            Assert.Equal(notBefore.ToUnixTimeSeconds(), attributes.GetProperty("nbf").GetInt64());
            Assert.Equal(notBefore.AddDays(30).ToUnixTimeSeconds(), attributes.GetProperty("exp").GetInt64());
            Assert.Equal(JsonValueKind.True, attributes.GetProperty("enabled").ValueKind);
            Assert.Equal("Recoverable+Purgeable", attributes.GetProperty("recoveryLevel").GetString());
            Assert.Equal(90, attributes.GetProperty("recoverableDays").GetInt32());
        }

        Assert.Contains("\"recoveryLevel\":\"Recoverable+Purgeable\"", bundle.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorsHaveTheKeyVaultShape()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        var version = emulator.SetSecret("off", "1", enabled: false);
        using var http = CreateHttpClient(emulator);

        using var missing = await http.GetAsync($"secrets/missing?api-version={ApiVersion}", _timeout);
        using var missingVersion = await http.GetAsync($"secrets/off/{new string('0', 32)}?api-version={ApiVersion}", _timeout);
        using var disabled = await http.GetAsync($"secrets/off/{version}?api-version={ApiVersion}", _timeout);
        using var invalidName = await http.GetAsync($"secrets/bad_name?api-version={ApiVersion}", _timeout);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(
            ("SecretNotFound", "A secret with (name/id) missing was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182", null),
            await ReadErrorAsync(missing));
        Assert.Equal(HttpStatusCode.NotFound, missingVersion.StatusCode);
        Assert.Equal("SecretNotFound", (await ReadErrorAsync(missingVersion)).Code);
        Assert.Equal(HttpStatusCode.Forbidden, disabled.StatusCode);
        Assert.Equal(("Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled"), await ReadErrorAsync(disabled));
        Assert.Equal(HttpStatusCode.BadRequest, invalidName.StatusCode);
        Assert.Equal(("BadParameter", "The request URI contains an invalid name: bad_name", null), await ReadErrorAsync(invalidName));
    }

    [Fact]
    public async Task ListPagesLinkAbsolutelyToTheNextAndEndWithNull()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        foreach (var name in new[] { "c", "a", "B" })
        {
            emulator.SetSecret(name, "value-" + name, contentType: "text/plain");
        }

        using var http = CreateHttpClient(emulator);

        using var first = await ReadJsonAsync(http, $"secrets?api-version={ApiVersion}&maxresults=2");
        var nextLink = first.RootElement.GetProperty("nextLink").GetString()!;
        using var second = await ReadJsonAsync(http, nextLink);

        var expectedPrefix = $"https://127.0.0.1:{emulator.VaultUri.Port}/secrets?api-version={ApiVersion}&$skiptoken=";
        Assert.StartsWith(expectedPrefix, nextLink, StringComparison.Ordinal);
        Assert.EndsWith("&maxresults=2", nextLink, StringComparison.Ordinal);
        var firstItems = first.RootElement.GetProperty("value").EnumerateArray().ToList();
        Assert.Equal(
            [$"https://127.0.0.1:{emulator.VaultUri.Port}/secrets/a", $"https://127.0.0.1:{emulator.VaultUri.Port}/secrets/B"],
            firstItems.Select(item => item.GetProperty("id").GetString()));
        Assert.All(firstItems, item =>
        {
            Assert.False(item.TryGetProperty("value", out _));
            Assert.Equal("text/plain", item.GetProperty("contentType").GetString());
        });
        Assert.Equal(JsonValueKind.Null, second.RootElement.GetProperty("nextLink").ValueKind);
        Assert.Equal(JsonValueKind.Array, second.RootElement.GetProperty("value").ValueKind);
        Assert.Equal(["c"], second.RootElement.GetProperty("value").EnumerateArray().Select(item => item.GetProperty("id").GetString()![^1..]));
    }

    [Fact]
    public async Task AListOfNoSecretsIsAnEmptyArrayAndMaxResultsIsBounded()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        using var http = CreateHttpClient(emulator);

        using var empty = await ReadJsonAsync(http, $"secrets?api-version={ApiVersion}");
        using var noVersions = await ReadJsonAsync(http, $"secrets/none/versions?api-version={ApiVersion}");
        using var tooMany = await http.GetAsync($"secrets?api-version={ApiVersion}&maxresults=26", _timeout);
        using var zero = await http.GetAsync($"secrets?api-version={ApiVersion}&maxresults=0", _timeout);
        using var badToken = await http.GetAsync($"secrets?api-version={ApiVersion}&$skiptoken=%21%21", _timeout);

        Assert.Equal("{\"value\":[],\"nextLink\":null}", empty.RootElement.GetRawText());
        Assert.Equal("{\"value\":[],\"nextLink\":null}", noVersions.RootElement.GetRawText());
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badToken.StatusCode);
    }

    [Fact]
    public async Task AnUpdateAnswersWithoutTheValueAndChangesOnlyWhatItNames()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        await using var emulator = await KeyVaultEmulator.StartAsync(new KeyVaultEmulatorOptions { TimeProvider = time }, _timeout);
        var version = emulator.SetSecret("x", "1", contentType: "text/plain", tags: new Dictionary<string, string> { ["a"] = "1" });
        time.Advance(TimeSpan.FromSeconds(10));
        using var http = CreateHttpClient(emulator);

        using var response = await http.PatchAsync($"secrets/x/{version}?api-version={ApiVersion}", Json("{\"attributes\":{\"exp\":1900000000}}"), _timeout);
        using var updated = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_timeout));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = updated.RootElement;
        Assert.False(root.TryGetProperty("value", out _));
        Assert.Equal("text/plain", root.GetProperty("contentType").GetString());
        Assert.Equal("1", root.GetProperty("tags").GetProperty("a").GetString());
        Assert.Equal(1900000000, root.GetProperty("attributes").GetProperty("exp").GetInt64());
        Assert.Equal(time.GetUtcNow().ToUnixTimeSeconds(), root.GetProperty("attributes").GetProperty("updated").GetInt64());
        Assert.Equal(time.GetUtcNow().ToUnixTimeSeconds() - 10, root.GetProperty("attributes").GetProperty("created").GetInt64());
    }

    [Fact]
    public async Task DeletingAnswersWithTheDeletedBundleAndReservesTheName()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        var version = emulator.SetSecret("x", "1");
        using var http = CreateHttpClient(emulator);

        using var deleted = await http.DeleteAsync($"secrets/x?api-version={ApiVersion}", _timeout);
        using var deletedBody = JsonDocument.Parse(await deleted.Content.ReadAsStringAsync(_timeout));
        using var again = await http.PutAsync($"secrets/x?api-version={ApiVersion}", Json("{\"value\":\"2\"}"), _timeout);
        using var deleteMissing = await http.DeleteAsync($"secrets/x?api-version={ApiVersion}", _timeout);

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        var root = deletedBody.RootElement;
        var origin = $"https://127.0.0.1:{emulator.VaultUri.Port}";
        Assert.Equal($"{origin}/deletedsecrets/x", root.GetProperty("recoveryId").GetString());
        Assert.Equal($"{origin}/secrets/x/{version}", root.GetProperty("id").GetString());
        Assert.Equal(root.GetProperty("deletedDate").GetInt64() + (90 * 86400), root.GetProperty("scheduledPurgeDate").GetInt64());
        Assert.False(root.TryGetProperty("value", out _));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(
            ("Conflict", "Secret x is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.", "ObjectIsDeletedButRecoverable"),
            await ReadErrorAsync(again));
        Assert.Equal(HttpStatusCode.NotFound, deleteMissing.StatusCode);
    }

    [Fact]
    public async Task TheTrustingHandlerTrustsOnlyItsOwnEmulator()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        await using var other = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        using var http = new HttpClient(emulator.CreateTrustingHandler());

        using var own = await http.GetAsync(new Uri(emulator.VaultUri, $"secrets?api-version={ApiVersion}"), _timeout);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(other.VaultUri, $"secrets?api-version={ApiVersion}"), _timeout));

        Assert.Equal(HttpStatusCode.Unauthorized, own.StatusCode);
        Assert.IsType<AuthenticationException>(error.InnerException);
        Assert.False(emulator.Certificate.HasPrivateKey);
        Assert.NotEqual(emulator.Certificate.Thumbprint, other.Certificate.Thumbprint);
    }

    [Fact]
    public async Task FaultsMatchWholePathSegmentsMethodAndCount()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        emulator.SetSecret("db", "1");
        emulator.SetSecret("db2", "2");
        emulator.InjectFault(new KeyVaultFault { PathPrefix = "/secrets/db", Method = "get", StatusCode = 500, Count = 2 });
        using var http = CreateHttpClient(emulator);

        using var other = await http.GetAsync($"secrets/db2?api-version={ApiVersion}", _timeout);
        using var put = await http.PutAsync($"secrets/db?api-version={ApiVersion}", Json("{\"value\":\"3\"}"), _timeout);
        using var first = await http.GetAsync($"secrets/db?api-version={ApiVersion}", _timeout);
        using var second = await http.GetAsync($"secrets/db/versions?api-version={ApiVersion}", _timeout);
        using var third = await http.GetAsync($"secrets/db?api-version={ApiVersion}", _timeout);

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        Assert.Equal("InternalServerError", (await ReadErrorAsync(first)).Code);
        Assert.Equal(HttpStatusCode.InternalServerError, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task A429CarriesRetryAfterAndTheThrottlingBody()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        emulator.InjectFault(new KeyVaultFault { StatusCode = 429, RetryAfter = TimeSpan.FromMilliseconds(1500), Count = 1 });
        using var http = CreateHttpClient(emulator);

        using var response = await http.GetAsync($"secrets?api-version={ApiVersion}", _timeout);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.Equal(
            ("Throttled", "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached", null),
            await ReadErrorAsync(response));
    }

    [Fact]
    public async Task FaultsComeAfterTheChallengeUnlessToldOtherwise()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        emulator.InjectFault(new KeyVaultFault { StatusCode = 503, Count = 1 });
        using var anonymous = CreateHttpClient(emulator, token: null);
        using var authenticated = CreateHttpClient(emulator);

        using var challenged = await anonymous.GetAsync($"secrets?api-version={ApiVersion}", _timeout);
        using var failed = await authenticated.GetAsync($"secrets?api-version={ApiVersion}", _timeout);
        emulator.InjectFault(new KeyVaultFault { StatusCode = 503, Count = 1, BeforeChallenge = true });
        using var failedEarly = await anonymous.GetAsync($"secrets?api-version={ApiVersion}", _timeout);

        Assert.Equal(HttpStatusCode.Unauthorized, challenged.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failedEarly.StatusCode);
        Assert.Equal([401, 503, 503], emulator.Requests.Select(request => request.StatusCode));
        Assert.Equal([false, true, false], emulator.Requests.Select(request => request.IsAuthenticated));
    }

    [Fact]
    public async Task TheRequestLogRecordsEveryRequestUntilCleared()
    {
        await using var emulator = await KeyVaultEmulator.StartAsync(cancellationToken: _timeout);
        using var http = CreateHttpClient(emulator);

        using var unknown = await http.GetAsync("keys/k", _timeout);
        using var versions = await http.GetAsync("secrets/a/versions?maxresults=5", _timeout);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, versions.StatusCode);
        Assert.Equal(
            [
                ("GET", "/keys/k", "", (string?)null, 404, KeyVaultOperation.Unknown, (string?)null),
                ("GET", "/secrets/a/versions", "maxresults=5", null, 200, KeyVaultOperation.ListSecretVersions, "a"),
            ],
            emulator.Requests.Select(r => (r.Method, r.Path, r.Query, r.ApiVersion, r.StatusCode, r.Operation, r.SecretName)));
        emulator.ClearRequests();
        Assert.Empty(emulator.Requests);
    }

    private static HttpClient CreateHttpClient(KeyVaultEmulator emulator, string? token = "any-token")
    {
        var http = new HttpClient(emulator.CreateTrustingHandler()) { BaseAddress = emulator.VaultUri };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<JsonDocument> ReadJsonAsync(HttpClient http, string uri)
    {
        using var response = await http.GetAsync(uri, _timeout);
        var body = await response.Content.ReadAsStringAsync(_timeout);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return JsonDocument.Parse(body);
    }

    private async Task<(string Code, string Message, string? InnerCode)> ReadErrorAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_timeout));
        var error = document.RootElement.GetProperty("error");
        var innerCode = error.TryGetProperty("innererror", out var inner) ? inner.GetProperty("code").GetString() : null;
        return (error.GetProperty("code").GetString()!, error.GetProperty("message").GetString()!, innerCode);
    }

    [GeneratedRegex("^-?[0-9]+$")]
    private static partial Regex IntegerPattern();
}
