using System.Runtime.InteropServices;

namespace SecretRotation.Cli;

/// <summary>The <c>secret-rotation</c> tool's entry point: the console's streams, and Ctrl+C or SIGTERM to stop.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // The first Ctrl+C stops the command gracefully (watch prints "stopped" and exits 0); a second one kills the process.
            e.Cancel = !stop.IsCancellationRequested;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        try
        {
            return await CliApplication.RunAsync(args, CliContext.FromConsole(), stop.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
