namespace SecretRotation.Benchmarks.Harness;

/// <summary>Rotations left to the poll on a fake clock: when each was seen, and what the poll that saw it sent.</summary>
/// <param name="Trials">Rotations written.</param>
/// <param name="SeenAtFirstPoll">Rotations whose value the configuration held right after the first poll that followed the write.</param>
/// <param name="Waits">Per rotation seen: fake time from the write to the end of the step in which it was seen.</param>
/// <param name="PollGaps">Fake time between consecutive polls.</param>
/// <param name="Step">How far the fake clock moved at a time (the resolution of the waits).</param>
/// <param name="ListsOnSeeingPoll">List requests of the polls that saw a rotation, in total.</param>
/// <param name="GetsOnSeeingPoll">GET requests of the polls that saw a rotation, in total.</param>
/// <param name="Reloads">Reload-token firings in total.</param>
internal sealed record PolledRotations(
    int Trials,
    int SeenAtFirstPoll,
    IReadOnlyList<TimeSpan> Waits,
    IReadOnlyList<TimeSpan> PollGaps,
    TimeSpan Step,
    int ListsOnSeeingPoll,
    int GetsOnSeeingPoll,
    int Reloads);
