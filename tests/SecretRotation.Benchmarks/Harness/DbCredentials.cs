namespace SecretRotation.Benchmarks.Harness;

/// <summary>The options class the latency harness binds from the volume's <c>user</c> and <c>password</c> files.</summary>
public sealed class DbCredentials
{
    public string? User { get; set; }

    public string? Password { get; set; }
}
