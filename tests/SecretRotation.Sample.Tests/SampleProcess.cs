using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace SecretRotation.Sample.Tests;

/// <summary>
/// The AKS sample run as a user runs it: <c>dotnet AksSample.dll --urls http://127.0.0.1:0</c> from its build output, in its
/// local demo mode, on a port the kernel picks (read back from Kestrel's "Now listening on" line). Its output goes to a log
/// file under the test output. Disposing stops it with SIGTERM (a clean shutdown deletes its demo volume), then kills it if
/// it has not stopped after 30 s.
/// </summary>
internal sealed partial class SampleProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Settings that would take the sample out of its local demo, or move it off the port it is given.</summary>
    private static readonly string[] ClearedVariables =
    [
        "VAULT_ADDR", "VAULT_TOKEN", "Vault__Address", "Secrets__MountPath", "Secrets__RenderedFile", "KeyVault__VaultUri",
        "SecretRotation__EventKeys", "SecretRotation__ServiceBus__Namespace", "SecretRotation__ServiceBus__Topic",
        "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT",
    ];

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logGate = new();
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SampleProcess(Process process, string logPath)
    {
        _process = process;
        LogPath = logPath;
        _log = new StreamWriter(logPath, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
    }

    /// <summary>The sample's stdout and stderr, as written.</summary>
    public string LogPath { get; }

    /// <summary>Everything the sample has written so far.</summary>
    public string Output
    {
        get
        {
            lock (_logGate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Where the sample listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress => _listening.Task.IsCompletedSuccessfully ? _listening.Task.Result : throw new InvalidOperationException("Not started.");

    /// <summary>The path of <c>AksSample.dll</c> in the sample's build output, recorded by the test project at build time.</summary>
    public static string SamplePath =>
        typeof(SampleProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AksSamplePath").Value
        ?? throw new InvalidOperationException("The test assembly does not record AksSamplePath.");

    /// <summary>Starts the sample with the given settings (environment variables) and waits until it listens.</summary>
    public static async Task<SampleProcess> StartAsync(IReadOnlyDictionary<string, string> settings, string logPath)
    {
        var samplePath = SamplePath;
        if (!File.Exists(samplePath))
        {
            throw new FileNotFoundException($"The sample is not built: {samplePath} is missing (dotnet build samples/AksSample -c <the tests' configuration>).", samplePath);
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(samplePath)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(samplePath);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var name in ClearedVariables)
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var sample = new SampleProcess(process, logPath);
        process.OutputDataReceived += (_, e) => sample.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => sample.OnOutput(e.Data);
        process.Exited += (_, _) => sample._listening.TrySetException(
            new InvalidOperationException($"The sample exited with code {process.ExitCode} before it listened; its output is in {logPath}."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await sample._listening.Task.WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            await sample.DisposeAsync();
            throw new TimeoutException($"The sample did not listen within {StartTimeout.TotalSeconds} s; its output is in {logPath}.");
        }
        catch
        {
            await sample.DisposeAsync();
            throw;
        }

        return sample;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _ = Kill(_process.Id, SigTerm);
                using var stop = new CancellationTokenSource(StopTimeout);
                try
                {
                    await _process.WaitForExitAsync(stop.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
            else
            {
                await _process.WaitForExitAsync();
            }
        }
        finally
        {
            _process.Dispose();
            lock (_logGate)
            {
                _log.Dispose();
            }
        }
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logGate)
        {
            _output.AppendLine(line);
            _log.WriteLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups["url"].Value + "/"));
        }
    }

    /// <summary>The <c>dotnet</c> that runs the tests (set by the SDK), else the one on the PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    [GeneratedRegex(@"Now listening on: (?<url>http://127\.0\.0\.1:[0-9]+)")]
    private static partial Regex ListeningLine();

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
