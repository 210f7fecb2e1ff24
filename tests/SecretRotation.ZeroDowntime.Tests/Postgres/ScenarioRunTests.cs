namespace SecretRotation.ZeroDowntime.Tests.Postgres;

/// <summary>The revocation check the scenarios rely on finds a query on a revoked credential's session, and only such queries.</summary>
public sealed class ScenarioRunTests
{
    private static readonly DateTime s_alter = new(2026, 12, 2, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void AQueryOnASessionOpenedBeforeTheRevocationAndRunAfterItIsFound()
    {
        var revokedAt = s_alter.AddSeconds(1);
        QueryRecord[] records =
        [
            Query("app", backendStart: s_alter.AddSeconds(-5), ranAt: s_alter.AddMilliseconds(500)),   // old session, before the revocation: fine
            Query("app", backendStart: s_alter.AddMilliseconds(10), ranAt: s_alter.AddSeconds(2)),      // new session after the ALTER: fine
            Query("other", backendStart: s_alter.AddSeconds(-5), ranAt: s_alter.AddSeconds(2)),        // another user: fine
            Query("app", backendStart: s_alter.AddSeconds(-5), ranAt: s_alter.AddSeconds(2)),          // old session after the revocation
        ];
        var run = new ScenarioRun(records, [], [new Revocation("app", s_alter, revokedAt)], 2);

        var found = Assert.Single(run.QueriesAfterRevocation());
        Assert.Equal(records[3], found);
    }

    private static QueryRecord Query(string user, DateTime backendStart, DateTime ranAt) =>
        new(0, 1, user, 42, backendStart, ranAt, 1.0);
}
