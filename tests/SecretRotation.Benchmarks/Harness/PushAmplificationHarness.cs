using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.AzureKeyVault.Internal;
using SecretRotation.Testing;

namespace SecretRotation.Benchmarks.Harness;

/// <summary>
/// What foreign notices cost: deliveries of <c>SecretNewVersionCreated</c> events for secrets the app does not hold (names
/// that do not exist, or outside its prefix), POSTed to <c>MapSecretRotationEvents</c> in front of a Key Vault source, in
/// whole-vault and prefix mode. Counts the Key Vault requests they cause and the managed memory they leave behind.
/// </summary>
internal static class PushAmplificationHarness
{
    public const int NoticesPerDelivery = 1_000;

    public const int Deliveries = 10;

    private const string Pattern = "/secret-rotation/events";

    private const string AccessKey = "push-amplification-key";

    private const int OwnSecrets = 20;

    /// <summary>Runs both modes and prints them. Returns 0 when every target is met, else 1.</summary>
    public static async Task<int> RunAsync(TextWriter output)
    {
        output.WriteLine("push-amplification: MapSecretRotationEvents on Kestrel (http://127.0.0.1) in front of AddAzureKeyVaultSecrets over KeyVaultEmulator"
            + $" (loopback HTTPS, the real SecretClient, {OwnSecrets} secrets 'app--S00'.., source defaults otherwise). Each delivery is one Event Grid schema POST of"
            + $" {NoticesPerDelivery:#,0} SecretNewVersionCreated events (distinct ids and names, each with a version) for secrets the app does not hold;"
            + $" {Deliveries} deliveries to warm up (they also fill the endpoint's ring of the last 10,000 event ids), then {Deliveries} measured ones."
            + " Memory: GC.GetTotalMemory(forceFullCollection: true) after start, after the warm-up and after the measured deliveries."
            + " Back to back on the real clock, except the last mode, whose source runs on a fake clock moved 31 s (past the 30 s listing spacing) before each delivery.");
        output.WriteLine();
        var results = new List<ModeResult>
        {
            await RunModeAsync("whole vault; names that do not exist", prefix: null, index => $"ghost-{index}", spaced: false),
            await RunModeAsync("prefix 'app--'; names without the prefix", prefix: "app--", index => $"ghost-{index}", spaced: false),
            await RunModeAsync("prefix 'app--'; another app's prefix", prefix: "app--", index => $"otherapp--S{index}", spaced: false),
            await RunModeAsync("whole vault; names that do not exist; deliveries 31 s apart", prefix: null, index => $"ghost-{index}", spaced: true),
        };

        output.WriteLine("| mode | measured | POST answers | List pages | GETs | requests per 1,000 notices | bytes kept per 1,000 (warm-up) | bytes kept per 1,000 (measured) | versions remembered |");
        output.WriteLine("|---|---:|---|---:|---:|---:|---:|---:|---:|");
        var thousands = Deliveries * NoticesPerDelivery / 1000.0;
        foreach (var result in results)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {result.Mode} | {Deliveries} x {NoticesPerDelivery:#,0} | {result.Answers} | {result.Lists} | {result.Gets} | {(result.Lists + result.Gets) / thousands:0.0} | {result.WarmUpBytes / thousands:#,0} | {result.MeasuredBytes / thousands:#,0} | {result.RememberedVersions} |"));
        }

        output.WriteLine();
        output.WriteLine("   warm-up bytes include filling the endpoint's ring of recent event ids (deduplication, bounded at 10,000); measured bytes are the steady state.");
        var whole = results[0];
        var wholeMet = whole.Lists <= 2 && whole.Gets == 0 && whole.AllOk;
        var prefixMet = results.Skip(1).Take(2).All(result => result.Lists == 0 && result.Gets == 0 && result.AllOk);
        var spaced = results[3];
        var spacedMet = spaced.Lists <= Deliveries && spaced.Gets == 0 && spaced.AllOk;
        output.WriteLine($"   target: whole vault, {Deliveries} deliveries -> <= 2 List pages + 0 GETs, every POST 200: {whole.Lists} + {whole.Gets} -> {PassFail(wholeMet)}");
        output.WriteLine($"   target: prefix mode -> 0 requests, every POST 200: {string.Join(", ", results.Skip(1).Take(2).Select(r => r.Lists + r.Gets))} -> {PassFail(prefixMet)}");
        output.WriteLine($"   check: whole vault, deliveries 31 s apart -> at most 1 List page per delivery, 0 GETs: {spaced.Lists} + {spaced.Gets} -> {PassFail(spacedMet)}");
        return wholeMet && prefixMet && spacedMet ? 0 : 1;
    }

    private static async Task<ModeResult> RunModeAsync(string mode, string? prefix, Func<string, string> foreignName, bool spaced)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var vault = await KeyVaultEmulator.StartAsync();
        for (var i = 0; i < OwnSecrets; i++)
        {
            vault.SetSecret($"app--S{i:D2}", $"value-{i}");
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddAzureKeyVaultSecrets(vault.CreateClient(), s =>
        {
            s.Prefix = prefix;
            if (spaced)
            {
                s.TimeProvider = time;
            }
        });
        builder.Services.AddSecretRotation();
        await using var app = builder.Build();
        app.MapSecretRotationEvents(Pattern, options => options.AccessKeys.Add(AccessKey));
        await app.StartAsync();
        var reader = (KeyVaultSecretReader)((IConfiguration)app.Configuration).GetSecretProviders().Single().Source;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        var deliverer = new EventGridDeliverer(client, new Uri(Pattern, UriKind.Relative), new EventGridDeliveryOptions
        {
            QueryString = $"code={AccessKey}",
            MaxEventsPerBatch = NoticesPerDelivery,
            MaxAttempts = 1,
        });

        var answers = new Dictionary<string, int>(StringComparer.Ordinal);
        var started = GC.GetTotalMemory(forceFullCollection: true);
        for (var delivery = 0; delivery < Deliveries; delivery++)
        {
            await DeliverAsync(deliverer, vault, $"w{delivery:D2}", foreignName, answers, spaced ? time : null);
        }

        answers.Clear();
        vault.ClearRequests();
        var warm = GC.GetTotalMemory(forceFullCollection: true);
        for (var delivery = 0; delivery < Deliveries; delivery++)
        {
            await DeliverAsync(deliverer, vault, $"m{delivery:D2}", foreignName, answers, spaced ? time : null);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var requests = RequestCounts.From(vault.Requests);
        await app.StopAsync();
        return new ModeResult(
            mode,
            string.Join(", ", answers.Select(pair => $"{pair.Key} x {pair.Value}")),
            answers.Keys.All(status => status == "200"),
            requests.Lists,
            requests.Gets,
            warm - started,
            after - warm,
            reader.RememberedVersionCount);
    }

    private static async Task DeliverAsync(EventGridDeliverer deliverer, KeyVaultEmulator vault, string delivery, Func<string, string> foreignName, Dictionary<string, int> answers, FakeTimeProvider? time)
    {
        time?.Advance(TimeSpan.FromSeconds(31));
        var options = new KeyVaultEventOptions { VaultUri = vault.VaultUri };
        var events = Enumerable.Range(0, NoticesPerDelivery)
            .Select(i => KeyVaultEvents.SecretNewVersionCreated("vault", foreignName($"{delivery}-{i:D4}"), $"{i:D4}".PadLeft(32, '0'), options))
            .ToArray();
        var result = await deliverer.DeliverAsync(events);
        foreach (var attempt in result.Attempts)
        {
            var status = attempt.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "no answer";
            answers[status] = answers.GetValueOrDefault(status) + 1;
        }
    }

    private static string PassFail(bool met) => met ? "PASS" : "FAIL";

    private sealed record ModeResult(string Mode, string Answers, bool AllOk, int Lists, int Gets, long WarmUpBytes, long MeasuredBytes, int RememberedVersions);
}
