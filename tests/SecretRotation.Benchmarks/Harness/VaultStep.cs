namespace SecretRotation.Benchmarks.Harness;

/// <summary>What one step of the fake clock made a <see cref="VaultPod"/> do.</summary>
/// <param name="At">Time since <c>Build()</c> at the end of the step (when every timer that fell due in it ran).</param>
/// <param name="Requests">The requests the emulator answered during the step.</param>
/// <param name="Triggers">The engine's source reads during the step, by trigger (e.g. <c>Poll</c>, <c>RefreshBy</c>); empty for none.</param>
/// <param name="Reloads">Reload-token firings during the step.</param>
internal sealed record VaultStep(TimeSpan At, VaultRequestCounts Requests, IReadOnlyList<string> Triggers, int Reloads)
{
    /// <summary>A scheduled poll ran: the KV v2 paths were checked.</summary>
    public bool IsPoll => Triggers.Any(trigger => trigger.Contains(nameof(RefreshTriggers.Poll), StringComparison.Ordinal));
}
