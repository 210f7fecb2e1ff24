namespace SecretRotation.AspNetCore.Events;

/// <summary>How a batch of events went: handled (or ignored), refused as invalid, or failed so the sender should retry.</summary>
internal sealed record DispatchResult(DispatchStatus Status, string? Reason = null, int Refreshed = 0)
{
    public static DispatchResult Done(int refreshed) => new(DispatchStatus.Done, null, refreshed);

    public static DispatchResult Invalid(string reason) => new(DispatchStatus.Invalid, reason);

    public static DispatchResult Failed(string reason) => new(DispatchStatus.Failed, reason);
}
