namespace SecretRotation.Benchmarks.Harness;

/// <summary>The measured List + Get counts the pod-hour arithmetic starts from (the largest seen where several cycles ran).</summary>
/// <param name="PollInterval">The source's default poll interval.</param>
/// <param name="InitialLoad">Whole vault: the requests of <c>Build()</c>.</param>
/// <param name="Quiet">Whole vault, steady state: a poll that finds no change.</param>
/// <param name="Rotation">Whole vault, steady state: a poll that finds one change.</param>
/// <param name="NamedInitialLoad">Named mode: the requests of <c>Build()</c>.</param>
/// <param name="Named">Named mode: any poll.</param>
/// <param name="Met">Whether the per-cycle targets were met and every cycle behaved (one read, no failure, the expected reloads).</param>
internal sealed record PollCostFigures(TimeSpan PollInterval, int InitialLoad, int Quiet, int Rotation, int NamedInitialLoad, int Named, bool Met);
