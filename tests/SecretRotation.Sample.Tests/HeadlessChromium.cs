using OpenQA.Selenium.Chrome;

namespace SecretRotation.Sample.Tests;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>) driven through Debian's chromedriver (<c>/usr/bin/chromedriver</c>), headless,
/// with everything that would reach the network on its own turned off (the machine has none but loopback). The paths can be
/// changed with <c>CHROMIUM_PATH</c> and <c>CHROMEDRIVER_PATH</c>. Missing, they fail the test: <c>.ci/run</c> installs both.
/// </summary>
internal static class HeadlessChromium
{
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
