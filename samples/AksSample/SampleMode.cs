namespace AksSample;

/// <summary>How the app was started: reading a real mount, or the local demo with a generated, rotating volume.</summary>
/// <param name="Name"><c>mount</c> or <c>demo</c>.</param>
/// <param name="MountPath">The secret directory the app reads.</param>
public sealed record SampleMode(string Name, string MountPath)
{
    public const string MountPathKey = "Secrets:MountPath";

    public bool IsDemo => Name == "demo";

    public static SampleMode Mount(string mountPath) => new("mount", mountPath);

    public static SampleMode Demo(string mountPath) => new("demo", mountPath);
}
