namespace AksSample;

/// <summary>The PostgreSQL load's counts, for <c>/</c> and <c>/status</c>. Holds no secret value.</summary>
/// <param name="Workers">How many workers run queries.</param>
/// <param name="Served">Queries that returned their result.</param>
/// <param name="Failed">Queries that threw (including a failed open).</param>
/// <param name="Generation">The data source's generation: 1 at the first build, one more per rebuild after a rotation.</param>
/// <param name="LastFailureType">The exception type of the last failed query, or <see langword="null"/>.</param>
/// <param name="LastFailure">When the last query failed, or <see langword="null"/>.</param>
public sealed record PostgresLoadReport(int Workers, long Served, long Failed, long Generation, string? LastFailureType, DateTimeOffset? LastFailure);
