using Azure.Core;
using Azure.Security.KeyVault.Secrets;

namespace SecretRotation.TestSupport;

/// <summary>Key Vault client options for test hosts.</summary>
public static class TestSecretClientOptions
{
    /// <summary>
    /// Two retries with no delay between them, so a test of a failing vault does not wait through the SDK's default backoff
    /// (0.8 s, 1.6 s, 3.2 s: 5.6 s per failed read). A <c>Retry-After</c> from the server is still honoured.
    /// </summary>
    public static SecretClientOptions ZeroDelayRetries() => new()
    {
        Retry = { MaxRetries = 2, Delay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero, Mode = RetryMode.Fixed },
    };
}
