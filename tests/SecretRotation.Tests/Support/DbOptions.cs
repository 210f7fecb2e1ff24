namespace SecretRotation.Tests.Support;

public sealed class DbOptions
{
    public string? User { get; set; }

    public string? Password { get; set; }
}
