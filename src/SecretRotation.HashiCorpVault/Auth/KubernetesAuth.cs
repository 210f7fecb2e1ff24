using SecretRotation.HashiCorpVault.Client;

namespace SecretRotation.HashiCorpVault.Auth;

/// <summary>Kubernetes auth: logs in with the pod's service-account JWT, read at each login because the kubelet rotates it.</summary>
internal sealed class KubernetesAuth(string role, string mountPath, string jwtPath) : VaultAuthMethod
{
    public override string Description => $"Kubernetes auth role '{role}' at auth/{mountPath}";

    internal override bool CanLogIn => true;

    internal override async Task<VaultToken> GetTokenAsync(VaultHttpClient client, TimeProvider time, CancellationToken cancellationToken)
    {
        string jwt;
        try
        {
            jwt = (await File.ReadAllTextAsync(jwtPath, cancellationToken)).Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Could not read the service-account token '{jwtPath}' for {Description}: {exception.Message}", exception);
        }

        var now = time.GetTimestamp();
        var response = await client.LoginAsync($"auth/{mountPath}/login", new Dictionary<string, string> { ["role"] = role, ["jwt"] = jwt }, cancellationToken);
        return FromAuth(response.Auth ?? throw new VaultProtocolException($"The login with {Description} returned no auth block."), now);
    }
}
