using System.Diagnostics;
using System.Net;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;
using Xunit.Abstractions;

namespace SecretRotation.Sample.Tests;

/// <summary>
/// The AKS sample's local demo in a real browser: the page shows a rotation as it happens, without a reload, and never a
/// value. Runs the built sample as its own process and Debian's headless Chromium through chromedriver.
/// </summary>
public sealed class SampleInBrowserTests(ITestOutputHelper output)
{
    /// <summary>Short demo intervals, so a rotation of each kind comes within seconds (the defaults are 5 s, 15 s and 30 s).</summary>
    private static readonly Dictionary<string, string> FastDemo = new()
    {
        ["Demo__RotationInterval"] = "00:00:02",
        ["Demo__KeyVaultRotationInterval"] = "00:00:03",
        ["Demo__VaultKvRotationInterval"] = "00:00:05",
    };

    /// <summary>Generous: the first rotation is due 2-3 s after start-up.</summary>
    private static readonly TimeSpan RotationTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Every value the demo generates, and its events endpoint's key, start with this.</summary>
    private const string DemoValuePrefix = "demo-secret-";

    private const string NoReloadMarker = "window.__secretRotationNoReload";

    [SkippableFact]
    public async Task The_page_shows_rotations_live_without_a_reload_and_never_a_value()
    {
        HeadlessChromium.SkipUnlessAvailable();
        var outputDirectory = Path.Combine(AppContext.BaseDirectory, "sample-in-browser");
        Directory.CreateDirectory(outputDirectory);
        var profile = Directory.CreateTempSubdirectory("secretrotation-chromium-");
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await using var sample = await SampleProcess.StartAsync(FastDemo, Path.Combine(outputDirectory, "sample.log"));
            output.WriteLine($"Sample listening on {sample.BaseAddress} after {stopwatch.Elapsed.TotalSeconds:0.0} s (log: {sample.LogPath}).");

            using var http = new HttpClient { BaseAddress = sample.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            using (var health = await http.GetAsync(new Uri("healthz", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
            }

            using var browser = HeadlessChromium.Start(profile.FullName);
            output.WriteLine($"Chromium {browser.Capabilities.GetCapability("browserVersion")} up after {stopwatch.Elapsed.TotalSeconds:0.0} s.");
            browser.Navigate().GoToUrl(sample.BaseAddress);
            Assert.Equal("AksSample: secret rotation", browser.Title);

            var password = Fingerprint(browser, "Database:Password");
            var apiKey = Fingerprint(browser, "Database:ApiKey");
            Assert.Matches("^[0-9a-f]{12}$", password);
            Assert.Matches("^[0-9a-f]{12}$", apiKey);
            Assert.StartsWith("mounted:", Cell(browser, "Database:Password", "source"));
            Assert.StartsWith("azurekeyvault:127.0.0.1:", Cell(browser, "Database:ApiKey", "source"));

            // A reload would drop this; a page that only changes on reload never shows a new fingerprint.
            browser.ExecuteScript($"{NoReloadMarker} = true;");
            var wait = new WebDriverWait(browser, RotationTimeout) { PollingInterval = TimeSpan.FromMilliseconds(200) };
            wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));

            // The volume (every 2 s here), then Key Vault (every 3 s, delivered by the demo's Event Grid to the app's endpoint).
            wait.Message = $"the page to show a new fingerprint of Database:Password (was {password}); sample log: {sample.LogPath}";
            var rotatedPassword = wait.Until(driver => Fingerprint(driver, "Database:Password") is var now && now != password ? now : null);
            output.WriteLine($"Database:Password {password} -> {rotatedPassword} on the page after {stopwatch.Elapsed.TotalSeconds:0.0} s.");
            wait.Message = $"the page to show a new fingerprint of Database:ApiKey (was {apiKey}); sample log: {sample.LogPath}";
            var rotatedApiKey = wait.Until(driver => Fingerprint(driver, "Database:ApiKey") is var now && now != apiKey ? now : null);
            output.WriteLine($"Database:ApiKey {apiKey} -> {rotatedApiKey} on the page after {stopwatch.Elapsed.TotalSeconds:0.0} s.");
            Assert.True(
                browser.ExecuteScript($"return {NoReloadMarker} === true;") is true,
                "The page was reloaded: the rotation must show without one (the page polls /status).");
            Assert.Matches("^[0-9a-f]{12}$", rotatedPassword);
            Assert.Matches("^[1-9][0-9]*$", Cell(browser, "Database:Password", "count"));

            // A screenshot while the row is still highlighted (3 s after its change).
            var screenshot = Path.Combine(outputDirectory, "aks-sample-live.png");
            browser.GetScreenshot().SaveAsFile(screenshot);
            output.WriteLine($"Screenshot: {screenshot}");

            Assert.Equal(string.Empty, browser.FindElement(By.Id("connection")).Text);
            Assert.DoesNotContain(DemoValuePrefix, browser.PageSource, StringComparison.Ordinal);
            Assert.DoesNotContain(DemoValuePrefix, await http.GetStringAsync(new Uri("status", UriKind.Relative)), StringComparison.Ordinal);
            Assert.DoesNotContain(DemoValuePrefix, sample.Output, StringComparison.Ordinal);
            output.WriteLine($"Done after {stopwatch.Elapsed.TotalSeconds:0.0} s.");
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    private static string Fingerprint(IWebDriver browser, string key) => Cell(browser, key, "fingerprint");

    private static string Cell(IWebDriver browser, string key, string column) =>
        browser.FindElement(By.CssSelector($"#secrets tr[data-key='{key}'] td.{column}")).Text;
}
