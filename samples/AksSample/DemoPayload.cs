using System.Security.Cryptography;

namespace AksSample;

/// <summary>The made-up database credentials the local demo writes: a fixed user, a fresh random password each time.</summary>
public static class DemoPayload
{
    public const string User = "demo_app";

    private const string PasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    /// <summary>A new payload: file name to content, as a Kubernetes Secret's data would be.</summary>
    public static IReadOnlyDictionary<string, string> Create()
    {
        var password = RandomNumberGenerator.GetString(PasswordAlphabet, 24);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [nameof(DatabaseOptions.User)] = User,
            [nameof(DatabaseOptions.Password)] = password,
            [nameof(DatabaseOptions.ConnectionString)] =
                $"Server=tcp:orders-db.demo.invalid,1433;Database=orders;User ID={User};Password={password};Encrypt=True",
        };
    }
}
