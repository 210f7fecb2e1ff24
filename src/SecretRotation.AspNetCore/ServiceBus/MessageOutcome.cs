namespace SecretRotation.AspNetCore.ServiceBus;

/// <summary>How a message went, with a short reason that quotes nothing from its body.</summary>
internal sealed record MessageOutcome(MessageSettlement Settlement, string? Reason = null, int Refreshed = 0)
{
    public static MessageOutcome Complete(int refreshed) => new(MessageSettlement.Complete, null, refreshed);

    public static MessageOutcome DeadLetter(string reason) => new(MessageSettlement.DeadLetter, reason);

    public static MessageOutcome Abandon(string reason) => new(MessageSettlement.Abandon, reason);
}
