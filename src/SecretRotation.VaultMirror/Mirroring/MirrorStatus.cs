namespace SecretRotation.VaultMirror.Mirroring;

/// <summary>The outcome of the latest passes, for <c>/healthz</c>.</summary>
public sealed class MirrorStatus
{
    private readonly TaskCompletionSource _firstPass = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();

    /// <summary>When the last successful pass ended, or <see langword="null"/>.</summary>
    public DateTimeOffset? LastSuccessAt { get; private set; }

    /// <summary>When the last pass ended, or <see langword="null"/>.</summary>
    public DateTimeOffset? LastPassAt { get; private set; }

    /// <summary>Passes failed since the last success.</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>Completes when the first pass has ended, whatever its outcome.</summary>
    public Task FirstPass => _firstPass.Task;

    internal void Record(bool succeeded, DateTimeOffset at)
    {
        lock (_gate)
        {
            LastPassAt = at;
            if (succeeded)
            {
                LastSuccessAt = at;
                ConsecutiveFailures = 0;
            }
            else
            {
                ConsecutiveFailures++;
            }
        }

        _firstPass.TrySetResult();
    }
}
