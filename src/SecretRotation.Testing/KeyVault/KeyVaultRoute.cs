using Microsoft.AspNetCore.Http;

namespace SecretRotation.Testing;

/// <summary>The operation, secret name and version that a method and path address.</summary>
internal readonly record struct KeyVaultRoute(KeyVaultOperation Operation, string? Name, string? Version)
{
    private const string Secrets = "secrets";
    private const string DeletedSecrets = "deletedsecrets";

    private static readonly KeyVaultRoute UnknownRoute = new(KeyVaultOperation.Unknown, null, null);

    /// <summary>Parses a decoded request path. One trailing slash is ignored, so <c>/secrets/x/</c> is the latest version of <c>x</c>.</summary>
    public static KeyVaultRoute Parse(string method, string path)
    {
        var trimmed = path.Length > 1 && path.EndsWith('/') ? path[..^1] : path;
        if (!trimmed.StartsWith('/'))
        {
            return UnknownRoute;
        }

        var parts = trimmed[1..].Split('/');
        if (parts.Any(part => part.Length == 0))
        {
            return UnknownRoute;
        }

        var isGet = HttpMethods.IsGet(method);
        if (parts[0].Equals(Secrets, StringComparison.OrdinalIgnoreCase))
        {
            return parts.Length switch
            {
                1 when isGet => new(KeyVaultOperation.ListSecrets, null, null),
                2 when isGet => new(KeyVaultOperation.GetSecret, parts[1], null),
                2 when HttpMethods.IsPut(method) => new(KeyVaultOperation.SetSecret, parts[1], null),
                2 when HttpMethods.IsDelete(method) => new(KeyVaultOperation.DeleteSecret, parts[1], null),
                3 when isGet && parts[2].Equals("versions", StringComparison.OrdinalIgnoreCase) => new(KeyVaultOperation.ListSecretVersions, parts[1], null),
                3 when isGet => new(KeyVaultOperation.GetSecret, parts[1], parts[2]),
                3 when HttpMethods.IsPatch(method) => new(KeyVaultOperation.UpdateSecret, parts[1], parts[2]),
                _ => UnknownRoute,
            };
        }

        if (parts[0].Equals(DeletedSecrets, StringComparison.OrdinalIgnoreCase))
        {
            return parts.Length switch
            {
                2 when isGet => new(KeyVaultOperation.GetDeletedSecret, parts[1], null),
                2 when HttpMethods.IsDelete(method) => new(KeyVaultOperation.PurgeDeletedSecret, parts[1], null),
                3 when HttpMethods.IsPost(method) && parts[2].Equals("recover", StringComparison.OrdinalIgnoreCase) => new(KeyVaultOperation.RecoverDeletedSecret, parts[1], null),
                _ => UnknownRoute,
            };
        }

        return UnknownRoute;
    }
}
