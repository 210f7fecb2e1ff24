namespace AksSample;

/// <summary>Settings of the local demo mode, bound from the <c>Demo</c> section.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>How often <see cref="DemoRotator"/> publishes a new payload. Default 5 seconds.</summary>
    public TimeSpan RotationInterval { get; set; } = TimeSpan.FromSeconds(5);
}
