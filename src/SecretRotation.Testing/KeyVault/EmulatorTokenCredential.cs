using Azure.Core;

namespace SecretRotation.Testing;

/// <summary>A credential that hands out a fixed fake token valid for an hour; the emulator accepts any bearer token.</summary>
internal sealed class EmulatorTokenCredential : TokenCredential
{
    /// <summary>The token every call returns.</summary>
    public const string Token = "secret-rotation-key-vault-emulator-token";

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(Token, TimeProvider.System.GetUtcNow().AddHours(1));

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
