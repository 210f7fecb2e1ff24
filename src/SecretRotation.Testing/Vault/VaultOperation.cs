namespace SecretRotation.Testing;

/// <summary>The logical operation a request maps to (<c>sdk/logical.Operation</c>): <c>PUT</c> and <c>POST</c> are both update.</summary>
internal enum VaultOperation
{
    Read,
    Update,
    Delete,
    List,
    Patch,
}
