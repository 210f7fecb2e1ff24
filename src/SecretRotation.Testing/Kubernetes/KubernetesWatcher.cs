using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace SecretRotation.Testing;

/// <summary>
/// One open watch: its filter and the queue of frames (one JSON watch event each) waiting to be written. Frames are offered under
/// the store's lock, so events and bookmarks are queued in resource-version order.
/// </summary>
internal sealed class KubernetesWatcher : IDisposable
{
    private readonly Channel<byte[]> _frames;
    private readonly KubernetesLabelSelector _labels;
    private readonly KubernetesFieldSelector _fields;
    private readonly CancellationTokenSource _break = new();
    private int _breakMode = -1;

    public KubernetesWatcher(
        KubernetesResource resource, string? ns, KubernetesLabelSelector labels, KubernetesFieldSelector fields, bool bookmarks, int bufferLimit)
    {
        Resource = resource;
        Namespace = ns;
        _labels = labels;
        _fields = fields;
        WantsBookmarks = bookmarks;
        _frames = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(bufferLimit) { SingleReader = true, SingleWriter = false });
    }

    public KubernetesResource Resource { get; }

    public string? Namespace { get; }

    public bool WantsBookmarks { get; }

    public ChannelReader<byte[]> Frames => _frames.Reader;

    /// <summary>Cancelled when a test breaks the watch; <see cref="BreakMode"/> says how.</summary>
    public CancellationToken Broken => _break.Token;

    public KubernetesWatchBreak? BreakMode => Volatile.Read(ref _breakMode) is var mode and >= 0 ? (KubernetesWatchBreak)mode : null;

    /// <summary>Whether the watch stopped taking frames (stalled, broken, ended, or overflowed).</summary>
    public bool IsClosed { get; private set; }

    public bool Matches(KubernetesObjectKey key, JsonObject obj) =>
        key.Resource == Resource && (Namespace is null || key.Namespace == Namespace) && _fields.Matches(obj) && _labels.Matches(obj);

    /// <summary>Queues the event as this watcher sees it, following apimachinery's cacheWatcher: an object that stops matching the
    /// selectors is DELETED for this watcher, one that starts matching is ADDED.</summary>
    public void Offer(KubernetesChange change)
    {
        var current = change.Type != "DELETED" && Matches(change.Key, change.Object);
        var previous = change.Previous is not null && Matches(change.Key, change.Previous);
        if (current && !previous)
        {
            Write(Frame("ADDED", change.Object));
        }
        else if (current)
        {
            Write(Frame("MODIFIED", change.Object));
        }
        else if (previous)
        {
            Write(Frame("DELETED", change.Type == "DELETED" ? change.Object : KubernetesObjects.WithResourceVersion(change.Previous!, change.ResourceVersion)));
        }
    }

    public void OfferAdded(JsonObject obj) => Write(Frame("ADDED", obj));

    public void OfferBookmark(long resourceVersion, bool initialEventsEnd = false)
    {
        var metadata = new JsonObject { ["resourceVersion"] = KubernetesObjects.FormatVersion(resourceVersion) };
        if (initialEventsEnd)
        {
            metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        Write(Frame("BOOKMARK", new JsonObject { ["kind"] = Resource.Kind, ["apiVersion"] = "v1", ["metadata"] = metadata }));
    }

    /// <summary>Queues an ERROR event with the status and ends the stream after it.</summary>
    public void OfferErrorAndClose(KubernetesErrorException error)
    {
        Write(Frame("ERROR", error.ToStatus()));
        Close();
    }

    /// <summary>Takes no more frames; those queued are still written, then the stream ends.</summary>
    public void Close()
    {
        IsClosed = true;
        _frames.Writer.TryComplete();
    }

    public void Break(KubernetesWatchBreak mode)
    {
        IsClosed = true;
        if (Interlocked.CompareExchange(ref _breakMode, (int)mode, -1) == -1)
        {
            try
            {
                _break.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The stream ended meanwhile.
            }
        }
    }

    public void Dispose() => _break.Dispose();

    public static byte[] Frame(string type, JsonObject obj)
    {
        var frame = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }, KubernetesObjects.Json);
        var line = new byte[frame.Length + 1];
        frame.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        return line;
    }

    private void Write(byte[] frame)
    {
        if (IsClosed)
        {
            return;
        }

        if (!_frames.Writer.TryWrite(frame))
        {
            // A client that falls this far behind is ended, as the API server ends a watcher whose buffer stays full: it re-watches.
            Close();
        }
    }
}
