namespace SecretRotation.ZeroDowntime.Tests.Postgres;

/// <summary>A failed query of the load: the generation it leased, when (UTC), the exception type, SQLSTATE and message (no secrets: PostgreSQL's messages name users, not passwords).</summary>
public readonly record struct QueryFailure(int Worker, long Generation, DateTime At, string Type, string? SqlState, string Message)
{
    public override string ToString() => $"worker {Worker}, generation {Generation}: {Type} {SqlState} {Message.ReplaceLineEndings(" ")}";
}
