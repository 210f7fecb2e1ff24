namespace SecretRotation.AspNetCore.Events;

internal static class KeyVaultEventTypes
{
    public const string SecretNewVersionCreated = "Microsoft.KeyVault.SecretNewVersionCreated";
    public const string SecretNearExpiry = "Microsoft.KeyVault.SecretNearExpiry";
    public const string SecretExpired = "Microsoft.KeyVault.SecretExpired";
    public const string SubscriptionValidation = "Microsoft.EventGrid.SubscriptionValidationEvent";
}
