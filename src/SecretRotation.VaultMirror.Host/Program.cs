using SecretRotation.VaultMirror.Hosting;

namespace SecretRotation.VaultMirror;

/// <summary>The entry point: <c>SecretRotation.VaultMirror [--once] [--Mirror:Setting=value ...]</c>.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => MirrorApplication.RunAsync(args);
}
