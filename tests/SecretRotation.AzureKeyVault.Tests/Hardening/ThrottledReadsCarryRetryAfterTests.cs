using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.AzureKeyVault.Internal;
using SecretRotation.Testing;

namespace SecretRotation.AzureKeyVault.Tests.Hardening;

/// <summary>When the SDK's retries give up on a throttled answer, the error tells the engine how long the vault asked to wait.</summary>
public sealed class ThrottledReadsCarryRetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AThrottledListOrGetThatTheSdkGaveUpOnCarriesTheVaultsRetryAfter(bool named)
    {
        await using var vault = await KeyVaultEmulator.StartAsync();
        vault.SetSecret("db-password", "p1");
        vault.InjectFault(new KeyVaultFault { StatusCode = 429, RetryAfter = TimeSpan.FromSeconds(2) });
        var client = vault.CreateClient(new SecretClientOptions { Retry = { MaxRetries = 0 } });

        var exception = Assert.Throws<SecretSourceException>(() => new ConfigurationBuilder()
            .AddAzureKeyVaultSecrets(client, s =>
            {
                s.PollInterval = null;
                s.SecretNames = named ? ["db-password"] : null;
                s.StartupThrottleWait = TimeSpan.Zero; // fail at the first throttled answer, as the engine did before it waited
            })
            .Build());

        Assert.Equal(TimeSpan.FromSeconds(2), exception.RetryAfter);
        Assert.Contains("429", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailureWithoutRetryAfterCarriesNone()
    {
        await using var vault = await KeyVaultEmulator.StartAsync();
        vault.SetSecret("db-password", "p1");
        vault.InjectFault(new KeyVaultFault { StatusCode = 429 });
        var client = vault.CreateClient(new SecretClientOptions { Retry = { MaxRetries = 0 } });

        var exception = Assert.Throws<SecretSourceException>(() => new ConfigurationBuilder().AddAzureKeyVaultSecrets(client, s => s.PollInterval = null).Build());

        Assert.Null(exception.RetryAfter);
    }

    [Theory]
    [InlineData(429, "retry-after-ms", "1500", 1500)]
    [InlineData(429, "x-ms-retry-after-ms", "250", 250)]
    [InlineData(503, "Retry-After", "3", 3000)]
    [InlineData(429, "Retry-After", "Thu, 26 Nov 2026 12:00:07 GMT", 7000)]
    [InlineData(429, "Retry-After", "Thu, 26 Nov 2026 11:00:00 GMT", 0)]
    [InlineData(429, "Retry-After", "99999999999999", 3_600_000)]
    [InlineData(429, "Retry-After", "soon", null)]
    [InlineData(500, "Retry-After", "3", null)]
    public void EveryRetryAfterFormTheSdkHonoursIsRead(int status, string header, string value, int? expectedMilliseconds)
    {
        var exception = new RequestFailedException(new HeaderOnlyResponse(status, header, value));

        var retryAfter = RetryAfterHeader.From(exception, Now);

        Assert.Equal(expectedMilliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : null, retryAfter);
    }

    /// <summary>An error response with one header and no body.</summary>
    private sealed class HeaderOnlyResponse(int status, string header, string value) : Response
    {
        public override int Status => status;

        public override string ReasonPhrase => status.ToString(CultureInfo.InvariantCulture);

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = string.Empty;

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => string.Equals(name, header, StringComparison.OrdinalIgnoreCase);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [new HttpHeader(header, value)];

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? found)
        {
            found = ContainsHeader(name) ? value : null;
            return found is not null;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = ContainsHeader(name) ? [value] : null;
            return values is not null;
        }
    }
}
