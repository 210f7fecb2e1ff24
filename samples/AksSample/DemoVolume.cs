using SecretRotation.Testing;

namespace AksSample;

/// <summary>
/// The local demo's secret volume: a directory under the temp path that <see cref="KubernetesVolumeWriter"/> updates
/// exactly as the kubelet updates a mounted Secret. Disposing it deletes the directory.
/// </summary>
public sealed class DemoVolume : IDisposable
{
    private readonly KubernetesVolumeWriter _writer;

    private DemoVolume(string mountPath)
    {
        _writer = new KubernetesVolumeWriter(mountPath);
    }

    /// <summary>The directory the app reads, e.g. <c>/tmp/secretrotation-demo-1234</c>.</summary>
    public string MountPath => _writer.MountPath;

    /// <summary>The timestamped directory <c>..data</c> points to now.</summary>
    public string? CurrentVersion => _writer.CurrentDataDirectory;

    /// <summary>Creates the directory (replacing a leftover one) and writes the first payload.</summary>
    public static DemoVolume Create()
    {
        var path = Path.Join(Path.GetTempPath(), $"secretrotation-demo-{Environment.ProcessId}");
        if (Directory.Exists(path))
        {
            // Left behind by an earlier process that had the same id and was killed before it could clean up.
            Directory.Delete(path, recursive: true);
        }

        var volume = new DemoVolume(path);
        try
        {
            volume.Publish(DemoPayload.Create());
            return volume;
        }
        catch
        {
            volume.Dispose();
            throw;
        }
    }

    /// <summary>Publishes <paramref name="payload"/> atomically (a new <c>..data</c> target). Not thread-safe, like the kubelet's writer.</summary>
    public void Publish(IReadOnlyDictionary<string, string> payload) => _writer.Write(payload);

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(MountPath))
            {
                Directory.Delete(MountPath, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: the directory lives under the temp path anyway.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
