namespace SecretRotation.Testing;

/// <summary>How <see cref="KubernetesEmulator.BreakWatches(KubernetesWatchBreak)"/> breaks the watch streams that are open.</summary>
public enum KubernetesWatchBreak
{
    /// <summary>End each stream cleanly (the last chunk is sent), as the API server does when a watch's timeout runs out.</summary>
    End,

    /// <summary>Abort each connection without ending the stream, as a broken network or a restarted API server does.</summary>
    Drop,

    /// <summary>Keep each connection open but send nothing more on it, no event and no bookmark: a silently stuck watch.</summary>
    Stall,
}
