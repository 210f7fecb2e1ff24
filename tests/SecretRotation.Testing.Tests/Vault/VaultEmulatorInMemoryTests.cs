using System.Net;
using SecretRotation.TestSupport;

namespace SecretRotation.Testing.Tests;

/// <summary><see cref="VaultEmulator.CreateInMemoryHandler"/>: the same answers as over the loopback listener, without a socket.</summary>
public sealed class VaultEmulatorInMemoryTests
{
    private readonly CancellationToken _timeout = new CancellationTokenSource(Signal.Timeout).Token;

    [Fact]
    public async Task TheInMemoryHandlerWritesLogsInAndReadsLikeTheListener()
    {
        await using var emulator = await VaultEmulator.StartAsync(cancellationToken: _timeout);
        emulator.AddKubernetesRole("app", "sa-jwt", TimeSpan.FromHours(1), TimeSpan.FromHours(24), ["app"]);
        emulator.SetPolicy("app", "secret/*");
        using var inMemory = new VaultWire(emulator, emulator.CreateInMemoryHandler(), _timeout);
        using var loopback = new VaultWire(emulator, _timeout);

        var written = await inMemory.PostAsync("secret/data/app/db", emulator.RootToken, """{"data":{"password":"p1"}}""");
        var login = await inMemory.PostAsync("auth/kubernetes/login", null, """{"role":"app","jwt":"sa-jwt"}""");
        var token = login.Json.GetProperty("auth").GetProperty("client_token").GetString();
        var read = await inMemory.GetAsync("secret/data/app/db", token);
        var overLoopback = await loopback.GetAsync("secret/data/app/db", token);
        var refused = await inMemory.PostAsync("auth/kubernetes/login", null, """{"role":"app","jwt":"other"}""");

        Assert.Equal(HttpStatusCode.OK, written.Status);
        Assert.Equal(HttpStatusCode.OK, login.Status);
        Assert.Equal(3600, login.Json.GetProperty("auth").GetProperty("lease_duration").GetInt32());
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal("p1", read.Json.GetProperty("data").GetProperty("data").GetProperty("password").GetString());
        Assert.Equal(read.Data.GetRawText(), overLoopback.Data.GetRawText());
        Assert.Equal("application/json", read.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal(2, emulator.CountRequests("GET", "secret/data/app/db"));
        Assert.Equal(2, emulator.CountRequests("POST", "auth/kubernetes/login"));
    }

    [Fact]
    public async Task ABodyOverFourMebibytesIsRefusedAndADisposedEmulatorAnswersNothing()
    {
        var emulator = await VaultEmulator.StartAsync(cancellationToken: _timeout);
        using var wire = new VaultWire(emulator, emulator.CreateInMemoryHandler(), _timeout);
        var large = "{\"data\":{\"blob\":\"" + new string('x', (4 * 1024 * 1024) + 1) + "\"}}";

        await Assert.ThrowsAsync<HttpRequestException>(() => wire.PostAsync("secret/data/big", emulator.RootToken, large));
        Assert.Equal(0, emulator.CountRequests("POST", "secret/data/big"));

        await emulator.DisposeAsync();
        var afterDispose = await Assert.ThrowsAsync<HttpRequestException>(() => wire.GetAsync("sys/health", token: null));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, afterDispose.StatusCode);
        Assert.Throws<ObjectDisposedException>(() => emulator.CreateInMemoryHandler());
    }
}
