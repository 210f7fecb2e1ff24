using SecretRotation.HashiCorpVault.Client;

namespace SecretRotation.HashiCorpVault.Auth;

/// <summary>
/// A token read from a file, such as a Vault Agent sink: the agent renews and replaces it, so the file is read again
/// whenever it changes, and when Vault refuses the token.
/// </summary>
internal sealed class TokenFileAuth(string path) : VaultAuthMethod
{
    private (DateTime WrittenAt, long Length)? _stamp;

    public override string Description => $"the token file '{path}'";

    internal override bool CanLogIn => true;

    internal override bool HasChanged => _stamp is { } stamp && Stamp() != stamp;

    internal override async Task<VaultToken> GetTokenAsync(VaultHttpClient client, TimeProvider time, CancellationToken cancellationToken)
    {
        string token;
        try
        {
            _stamp = Stamp();
            token = (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Could not read the Vault token file '{path}': {exception.Message}", exception);
        }

        if (token.Length == 0)
        {
            throw new IOException($"The Vault token file '{path}' is empty.");
        }

        return await DescribeAsync(token, client, time, cancellationToken);
    }

    private (DateTime, long) Stamp()
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }
}
