namespace SecretRotation.AspNetCore.Events;

/// <summary>One SecretNearExpiry or SecretExpired announcement about a secret a source holds. Names only.</summary>
/// <param name="Vault">The vault's name, as shown in health reports.</param>
/// <param name="Secret">The secret as the sources know it (store, name, and the version the announcement is about).</param>
/// <param name="EventType">The event type.</param>
/// <param name="At">When it was received.</param>
/// <param name="Expires">The secret's expiry, when the event gave it.</param>
internal sealed record ExpiryAlert(string Vault, SecretChangeNotice Secret, string EventType, DateTimeOffset At, DateTimeOffset? Expires)
{
    public bool IsExpired => EventType == KeyVaultEventTypes.SecretExpired;

    public string Key => $"{Vault}/{Secret.SecretName}";

    public override string ToString() => $"{Key} ({(IsExpired ? "expired" : "near expiry")})";
}
