namespace SecretRotation.VaultMirror.Mirroring;

/// <summary>The outcome of the latest passes, for <c>/healthz</c>.</summary>
internal sealed class MirrorStatus
{
    private readonly TaskCompletionSource _firstPass = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();

    public DateTimeOffset? LastSuccessAt { get; private set; }

    public DateTimeOffset? LastPassAt { get; private set; }

    public int ConsecutiveFailures { get; private set; }

    /// <summary>Completes when the first pass has ended, whatever its outcome.</summary>
    public Task FirstPass => _firstPass.Task;

    public void Record(bool succeeded, DateTimeOffset at)
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
