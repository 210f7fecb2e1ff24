namespace SecretRotation.Benchmarks.Harness;

/// <summary>One <see cref="VaultPod"/> run: its start-up and every clock step of the simulated window after it.</summary>
/// <param name="Name">The scenario, for the tables.</param>
/// <param name="Startup">The requests of <c>Build()</c>.</param>
/// <param name="Steps">The clock steps after <c>Build()</c>, in order.</param>
/// <param name="Failed">Whether any read failed (the source's status recorded a failure), at start-up or after.</param>
internal sealed record VaultRun(string Name, VaultRequestCounts Startup, IReadOnlyList<VaultStep> Steps, bool Failed)
{
    /// <summary>The simulated time after <c>Build()</c>.</summary>
    public TimeSpan Window => Steps.Count == 0 ? TimeSpan.Zero : Steps[^1].At;

    /// <summary>The requests of the window (start-up excluded).</summary>
    public VaultRequestCounts Requests => VaultRequestCounts.Sum(Steps.Select(step => step.Requests));

    public int Reloads => Steps.Sum(step => step.Reloads);

    /// <summary>The steps in which a scheduled poll ran.</summary>
    public IReadOnlyList<VaultStep> Polls => [.. Steps.Where(step => step.IsPoll)];

    /// <summary>The engine's reads in the window by trigger, e.g. <c>Poll 11, RefreshBy 1</c>.</summary>
    public string ReadsByTrigger
    {
        get
        {
            var groups = Steps.SelectMany(step => step.Triggers).GroupBy(trigger => trigger, StringComparer.Ordinal)
                .OrderBy(group => group.Key, StringComparer.Ordinal)
                .Select(group => $"{group.Key} {group.Count()}")
                .ToArray();
            return groups.Length == 0 ? "none" : string.Join(", ", groups);
        }
    }

    /// <summary>Runs <paramref name="pod"/> in steps of <paramref name="step"/> until <paramref name="window"/> after its Build; <paramref name="beforeStep"/> may change Vault first.</summary>
    public static async Task<VaultRun> RecordAsync(
        string name, VaultPod pod, TimeSpan window, TimeSpan step, Action<TimeSpan>? beforeStep = null, Action<VaultStep>? afterStep = null)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var steps = new List<VaultStep>();
        while (pod.Elapsed < window)
        {
            beforeStep?.Invoke(pod.Elapsed);
            var done = await pod.StepAsync(step);
            afterStep?.Invoke(done);
            steps.Add(done);
        }

        return new VaultRun(name, pod.Startup, steps, pod.Status.LastFailure is not null);
    }
}
