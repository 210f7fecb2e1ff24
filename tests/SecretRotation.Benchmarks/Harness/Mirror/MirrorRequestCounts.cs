using SecretRotation.Testing;

namespace SecretRotation.Benchmarks.Harness.Mirror;

/// <summary>Requests the emulators answered: Key Vault List pages and GETs; Vault metadata reads, data writes, metadata writes and LISTs under the mirror's path.</summary>
internal sealed record MirrorRequestCounts(int KeyVaultLists, int KeyVaultGets, int MetadataReads, int DataWrites, int MetadataWrites, int VaultLists)
{
    public const string Mount = "secret";
    public const string PathPrefix = "mirror/";

    public static MirrorRequestCounts Of(KeyVaultEmulator keyVault, VaultEmulator vault)
    {
        var requests = vault.Requests;
        bool Metadata(VaultRequest r) => r.Path.StartsWith($"{Mount}/metadata/{PathPrefix.TrimEnd('/')}", StringComparison.Ordinal);
        bool Listing(VaultRequest r) => r.Method == "LIST" || r.Query.Contains("list=true", StringComparison.OrdinalIgnoreCase);
        return new MirrorRequestCounts(
            keyVault.CountRequests(KeyVaultOperation.ListSecrets),
            keyVault.CountRequests(KeyVaultOperation.GetSecret),
            requests.Count(r => Metadata(r) && r.Method == "GET" && !Listing(r)),
            requests.Count(r => r.Path.StartsWith($"{Mount}/data/{PathPrefix}", StringComparison.Ordinal) && r.Method is "POST" or "PUT"),
            requests.Count(r => Metadata(r) && r.Method is "POST" or "PUT" or "PATCH"),
            requests.Count(r => Metadata(r) && Listing(r)));
    }

    public static MirrorRequestCounts operator -(MirrorRequestCounts after, MirrorRequestCounts before)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(before);
        return new MirrorRequestCounts(
            after.KeyVaultLists - before.KeyVaultLists,
            after.KeyVaultGets - before.KeyVaultGets,
            after.MetadataReads - before.MetadataReads,
            after.DataWrites - before.DataWrites,
            after.MetadataWrites - before.MetadataWrites,
            after.VaultLists - before.VaultLists);
    }

    public static MirrorRequestCounts Subtract(MirrorRequestCounts after, MirrorRequestCounts before) => after - before;

    /// <summary>One table row: each count divided by <paramref name="per"/>.</summary>
    public string Row(string label, int per) =>
        $"| {label} | {Per(KeyVaultLists, per)} | {Per(KeyVaultGets, per)} | {Per(MetadataReads, per)} | {Per(DataWrites, per)} | {Per(MetadataWrites, per)} | {Per(VaultLists, per)} |";

    private static string Per(int count, int per) =>
        (count / (double)per).ToString(count % per == 0 ? "0" : "0.00", System.Globalization.CultureInfo.InvariantCulture);
}
