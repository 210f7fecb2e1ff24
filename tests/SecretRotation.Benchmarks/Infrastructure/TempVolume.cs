using SecretRotation.Testing;

namespace SecretRotation.Benchmarks.Infrastructure;

/// <summary>
/// A throw-away secret volume directory with a kubelet-style writer. It lives on tmpfs (<c>/dev/shm</c>) when the machine
/// has it, as Kubernetes secret volumes do, and otherwise in the temp directory. Deleted on dispose.
/// </summary>
internal sealed class TempVolume : IDisposable
{
    private const string TmpfsRoot = "/dev/shm";

    private TempVolume(string path)
    {
        Path = path;
        Writer = new KubernetesVolumeWriter(path);
    }

    /// <summary>The volume's mount directory.</summary>
    public string Path { get; }

    /// <summary>The kubelet-style atomic writer for <see cref="Path"/>.</summary>
    public KubernetesVolumeWriter Writer { get; }

    /// <summary>Creates an empty, uniquely named volume directory.</summary>
    public static TempVolume Create(string purpose)
    {
        var parent = Directory.Exists(TmpfsRoot) ? TmpfsRoot : System.IO.Path.GetTempPath();
        var path = System.IO.Path.Join(parent, $"secretrotation-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return new TempVolume(path);
    }

    /// <summary>The path of a file inside the directory <c>..data</c> points to now (the real file, not the visible link).</summary>
    public string CurrentDataFile(string name) =>
        System.IO.Path.Join(Path, Writer.CurrentDataDirectory ?? throw new InvalidOperationException("The volume has not been written yet."), name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }
}
