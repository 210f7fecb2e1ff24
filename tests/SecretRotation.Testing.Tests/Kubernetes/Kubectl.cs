using System.Diagnostics;
using System.Threading.Channels;

namespace SecretRotation.Testing.Tests;

/// <summary>
/// Runs the machine's <c>kubectl</c> (<c>KUBECTL_PATH</c>, default <c>/usr/bin/kubectl</c>) with a kubeconfig of its own and
/// nothing else from the environment that could point it elsewhere; its output lines are read as they come.
/// </summary>
internal sealed class Kubectl : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _errors = [];

    private Kubectl(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                _lines.Writer.TryComplete();
            }
            else
            {
                _lines.Writer.TryWrite(line.Data);
            }
        };
        _process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                lock (_errors)
                {
                    _errors.Add(line.Data);
                }
            }
        };
    }

    public static string Path => Environment.GetEnvironmentVariable("KUBECTL_PATH") is { Length: > 0 } path ? path : "/usr/bin/kubectl";

    public string StandardError
    {
        get
        {
            lock (_errors)
            {
                return string.Join('\n', _errors);
            }
        }
    }

    public static Kubectl Start(string kubeconfig, string home, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        start.Environment["KUBECONFIG"] = kubeconfig;
        start.Environment["HOME"] = home;
        start.Environment["PATH"] = "/usr/bin:/bin";
        var process = new Process { StartInfo = start };
        var kubectl = new Kubectl(process);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return kubectl;
    }

    /// <summary>The next line of output, or <see langword="null"/> once kubectl closed it.</summary>
    public async Task<string?> NextLineAsync(CancellationToken cancellationToken) =>
        await _lines.Reader.WaitToReadAsync(cancellationToken) && _lines.Reader.TryRead(out var line) ? line : null;

    /// <summary>Waits for kubectl to exit and returns its exit code and whole output.</summary>
    public async Task<(int ExitCode, string Output)> ExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        var output = new List<string>();
        while (await NextLineAsync(cancellationToken) is string line)
        {
            output.Add(line);
        }

        return (_process.ExitCode, string.Join('\n', output));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
    }
}
