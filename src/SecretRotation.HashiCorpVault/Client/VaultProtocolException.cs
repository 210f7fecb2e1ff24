namespace SecretRotation.HashiCorpVault;

/// <summary>Vault answered something this client cannot understand (not JSON, a missing field, too large). Never carries response content.</summary>
public sealed class VaultProtocolException : Exception
{
    internal VaultProtocolException(string message)
        : base(message)
    {
    }
}
