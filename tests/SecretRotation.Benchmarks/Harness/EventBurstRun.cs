namespace SecretRotation.Benchmarks.Harness;

/// <summary>What a burst of events for a few rotated secrets cost.</summary>
/// <param name="Secrets">Secrets rotated before the burst.</param>
/// <param name="Rotations">Rotations per secret before the burst (2: an intermediate version the app never loaded).</param>
/// <param name="Events">Events delivered, each in its own POST with its own event id.</param>
/// <param name="NewVersionEvents">Events naming the newest version.</param>
/// <param name="IntermediateVersionEvents">Events naming a version between the loaded and the newest one (never loaded by the app).</param>
/// <param name="LoadedVersionEvents">Events naming the version the app loaded at start.</param>
/// <param name="Concurrency">POSTs in flight at once.</param>
/// <param name="Duration">Wall time of the burst, first POST to last answer.</param>
/// <param name="Statuses">The POSTs' answers by HTTP status (<c>error</c> when there was none).</param>
/// <param name="Gets">GETs of a secret the emulator answered during the burst.</param>
/// <param name="GetsPerSecret">The same, by secret name.</param>
/// <param name="Lists">List requests the emulator answered during the burst.</param>
/// <param name="Reads">The engine's reads during the burst, by trigger.</param>
/// <param name="Reloads">Reload-token firings during the burst.</param>
/// <param name="NewValues">Secrets whose new value the configuration held after the burst.</param>
internal sealed record EventBurstRun(
    int Secrets,
    int Rotations,
    int Events,
    int NewVersionEvents,
    int IntermediateVersionEvents,
    int LoadedVersionEvents,
    int Concurrency,
    TimeSpan Duration,
    IReadOnlyDictionary<string, int> Statuses,
    int Gets,
    IReadOnlyDictionary<string, int> GetsPerSecret,
    int Lists,
    IReadOnlyDictionary<string, int> Reads,
    int Reloads,
    int NewValues);
