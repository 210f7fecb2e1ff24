namespace SecretRotation.ZeroDowntime.Tests.Postgres;

/// <summary>The scenarios' assertions (xunit), kept apart from <see cref="RotationScenario"/>, which the benchmark shares.</summary>
public static class RotationScenarioAssertions
{
    /// <summary>
    /// Stops the load and checks the run: no failed query, every generation up to the last took load, and no query ran on a
    /// session authenticated with a credential after that credential's revocation. Returns the figures.
    /// </summary>
    public static async Task<ScenarioFigures> StopAndVerifyAsync(this RotationScenario scenarioRun, int rotations, string scenario)
    {
        var run = await scenarioRun.StopAsync();
        var failures = run.Failures;
        Assert.True(failures.Count == 0, $"{failures.Count} failed queries in {scenario}; first: {string.Join(" | ", failures.Take(5))}");
        Assert.Equal(rotations + 1, run.LastGeneration);
        var generations = run.Records.Select(record => record.Generation).ToHashSet();
        for (long generation = 1; generation <= rotations + 1; generation++)
        {
            Assert.True(generations.Contains(generation), $"no query ran on generation {generation}");
        }

        Assert.True(run.Revocations.Count >= rotations, $"{run.Revocations.Count} revocations recorded for {rotations} rotations");
        var violations = run.QueriesAfterRevocation().Take(5).ToList();
        Assert.True(violations.Count == 0, $"queries ran on sessions authenticated with a revoked credential: {string.Join(" | ", violations)}");
        return ScenarioFigures.From(scenario, rotations, run.Records, failures.Count, run.Revocations.Count);
    }
}
