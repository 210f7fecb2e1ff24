namespace SecretRotation.VaultMirror.Mirroring;

/// <summary>Vault refused a write because its current version is no longer the one read (someone else wrote in between).</summary>
internal sealed class CasConflictException : Exception
{
    public CasConflictException()
    {
    }

    public CasConflictException(string message)
        : base(message)
    {
    }

    public CasConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
