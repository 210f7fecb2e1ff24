namespace SecretRotation.ZeroDowntime.Tests.Postgres;

/// <summary>Everything a scenario's load recorded: the queries, the failures, the revocations and the client's last generation.</summary>
public sealed record ScenarioRun(IReadOnlyList<QueryRecord> Records, IReadOnlyList<QueryFailure> Failures, IReadOnlyList<Revocation> Revocations, long LastGeneration)
{
    /// <summary>Queries that ran on a session authenticated with a credential after that credential's revocation (server clock).</summary>
    public IEnumerable<QueryRecord> QueriesAfterRevocation()
    {
        var byUser = Revocations.ToLookup(revocation => revocation.User, StringComparer.Ordinal);
        return Records.Where(record => byUser[record.User].Any(revoked => record.BackendStart < revoked.SessionsStartedBefore && record.RanAt > revoked.RevokedAt));
    }
}
