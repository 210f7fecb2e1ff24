using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using SecretRotation.TestSupport;

namespace SecretRotation.HashiCorpVault.Tests.Hardening;

/// <summary>Response bodies are read within a cap: a huge answer fails that read, and the last good values stay.</summary>
public sealed class ResponseCapTests
{
    [Fact]
    public async Task AnAnswerOverTheDefaultCapFailsTheReadAndKeepsTheLastGoodValue()
    {
        await using var harness = await VaultHarness.StartAsync();
        harness.Emulator.WriteKv("secret/app/db", new Dictionary<string, object?> { ["password"] = "vault-pass-1" });
        harness.Build(o => o.UseToken(harness.Emulator.RootToken).Map("secret/app/db", "Db"));
        Assert.Equal("vault-pass-1", harness.Configuration["Db:password"]);

        var huge = new string('x', 5 * 1024 * 1024);
        harness.Emulator.WriteKv("secret/app/db", new Dictionary<string, object?> { ["password"] = "vault-pass-2", ["padding"] = huge });
        await harness.AdvanceAsync(VaultHarness.Poll);

        Assert.Equal("vault-pass-1", harness.Configuration["Db:password"]);
        Assert.Null(harness.Configuration["Db:padding"]);
        var status = harness.Refresher.Status;
        Assert.Equal(1, status.ConsecutiveFailures);
        Assert.Contains("4194304-byte limit", status.LastError, StringComparison.Ordinal);
        Assert.Contains("secret/data/app/db", status.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("vault-pass-2", status.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChunkedAnswerOverAConfiguredCapFailsWithoutAContentLength()
    {
        var huge = false;
        await using var vault = await LoopbackServer.StartAsync(IPAddress.Loopback, async (context, request) =>
        {
            switch (request.Path)
            {
                case ScriptedSource.LookupSelf:
                    await ScriptedSource.LookupSelfAsync(context);
                    break;
                case "/v1/secret/app" when !Volatile.Read(ref huge):
                    await LoopbackServer.JsonAsync(context, """{"data":{"password":"first"}}""");
                    break;
                case "/v1/secret/app":
                    await WriteChunkedAsync(context);
                    break;
                default:
                    context.Response.StatusCode = 404;
                    break;
            }
        });
        using var source = ScriptedSource.Build(vault.Address, o =>
        {
            o.MaxResponseBytes = 64 * 1024;
            o.UseToken("hvs.token").Map("secret/app", "App", VaultSecretKind.KvV1);
        });
        Assert.Equal("first", source.Configuration["App:password"]);

        Volatile.Write(ref huge, true);
        var refreshed = await source.Provider.TryRefreshAsync().WithTimeout("the refresh");

        Assert.False(refreshed);
        Assert.Equal("first", source.Configuration["App:password"]);
        Assert.Equal(1, source.Provider.Status.ConsecutiveFailures);
        Assert.Contains("65536-byte limit", source.Provider.Status.LastError, StringComparison.Ordinal);
        Assert.Contains("(200)", source.Provider.Status.LastError, StringComparison.Ordinal);
        Assert.Contains("secret/app", source.Provider.Status.LastError, StringComparison.Ordinal);
    }

    /// <summary>A valid, ever longer JSON answer in chunks of 8 KiB, with no Content-Length (Kestrel sends it chunked).</summary>
    private static async Task WriteChunkedAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("""{"data":{"password":"second","padding":" """, context.RequestAborted);
        var chunk = Encoding.ASCII.GetBytes(new string('x', 8 * 1024));
        try
        {
            for (var i = 0; i < 32; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }

            await context.Response.WriteAsync("\"}}", context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client stopped reading at its cap and closed the connection.
        }
        catch (IOException)
        {
            // Likewise.
        }
    }
}
