using OpenQA.Selenium.Chrome;

namespace SecretRotation.Sample.Tests;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>) driven through Debian's chromedriver (<c>/usr/bin/chromedriver</c>), headless,
/// with everything that would reach the network on its own turned off (the machine has none but loopback). The paths can be
/// changed with <c>CHROMIUM_PATH</c> and <c>CHROMEDRIVER_PATH</c>. Missing, they skip the test on a developer's machine (the
/// README's test command works with the .NET SDK alone) and fail it where <c>SECRETROTATION_REQUIRE_BROWSER=1</c> is set:
/// <c>.ci/run</c> installs both and sets it.
/// </summary>
internal static class HeadlessChromium
{
    /// <summary>Skips the calling test when the browser or its driver is missing, unless the environment requires them.</summary>
    public static void SkipUnlessAvailable()
    {
        var required = Environment.GetEnvironmentVariable("SECRETROTATION_REQUIRE_BROWSER") == "1";
        var missing = new[] { FromEnvironment("CHROMIUM_PATH", "/usr/bin/chromium"), FromEnvironment("CHROMEDRIVER_PATH", "/usr/bin/chromedriver") }
            .Where(path => !File.Exists(path))
            .ToList();
        Skip.If(!required && missing.Count > 0,
            $"{string.Join(" and ", missing)} missing: install Debian's chromium and chromium-driver to run this test (.ci/run does, and requires it).");
    }

    public static ChromeDriver Start(string profileDirectory)
    {
        var browser = FromEnvironment("CHROMIUM_PATH", "/usr/bin/chromium");
        var driver = FromEnvironment("CHROMEDRIVER_PATH", "/usr/bin/chromedriver");
        foreach (var path in new[] { browser, driver })
        {
            if (!File.Exists(path))
            {
                throw new InvalidOperationException(
                    $"{path} is missing: this test needs Debian's Chromium and its driver (apt-get install chromium chromium-driver; .ci/run installs them).");
            }
        }

        // An explicit driver path: Selenium Manager (which would download a driver) is never run.
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = browser };
        options.AddArguments(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--window-size=1400,1000",
            $"--user-data-dir={profileDirectory}");
        var chrome = new ChromeDriver(service, options, TimeSpan.FromSeconds(120));
        chrome.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(60);
        chrome.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(30);
        return chrome;
    }

    private static string FromEnvironment(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } path ? path : fallback;
}
