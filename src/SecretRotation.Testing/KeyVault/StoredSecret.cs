namespace SecretRotation.Testing;

/// <summary>A secret and its versions, oldest first. Only touched under the store's lock.</summary>
internal sealed class StoredSecret(string name)
{
    /// <summary>The name as first written; lookups ignore case, as Key Vault's do.</summary>
    public string Name { get; } = name;

    public List<StoredSecretVersion> Versions { get; } = [];

    public StoredSecretVersion Latest => Versions[^1];

    public long DeletedDate { get; set; }

    public long ScheduledPurgeDate { get; set; }
}
