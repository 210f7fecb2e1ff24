namespace SecretRotation.ZeroDowntime.Tests.Postgres;

/// <summary>
/// One query of the load: which client generation ran it, as which user (<c>current_user</c>), on which session (its pid and
/// <c>backend_start</c>, server clock), when it ran (<c>clock_timestamp()</c>), and how long it took from lease to result.
/// </summary>
public readonly record struct QueryRecord(
    int Worker, long Generation, string User, int Pid, DateTime BackendStart, DateTime RanAt, double LatencyMs);
