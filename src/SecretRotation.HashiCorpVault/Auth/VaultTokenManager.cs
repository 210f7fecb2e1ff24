using Microsoft.Extensions.Logging;
using SecretRotation.HashiCorpVault.Client;

namespace SecretRotation.HashiCorpVault.Auth;

/// <summary>
/// Keeps a usable token: logs in when there is none, renews it (renew-self) at about two thirds of its TTL, and logs in
/// again when renewal fails, the token is not renewable, or renewal no longer extends it (its max TTL is near).
/// Called only from the reader, one read at a time.
/// </summary>
internal sealed class VaultTokenManager(VaultAuthMethod auth, VaultHttpClient client, TimeProvider time)
{
    private VaultToken? _token;
    private TimeSpan? _increment;
    private bool _renewalExhausted;

    /// <summary>When the token next needs attention (renewal or a new login), for the engine's clock.</summary>
    public DateTimeOffset? NextActionAt { get; private set; }

    public string Description => auth.Description;

    /// <summary>
    /// Counts logins. Vault revokes the leases a token read when that token expires, so a lease read under an earlier login
    /// must be read again under the new one.
    /// </summary>
    public int Generation { get; private set; }

    public async Task<string> GetTokenAsync(ILogger logger, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_token is null || auth.HasChanged || (_token.ExpiresAt is { } expiresAt && expiresAt <= now))
        {
            await LogInAsync(logger, cancellationToken);
        }
        else if (NextActionAt is { } due && due <= now)
        {
            await MaintainAsync(logger, cancellationToken);
        }

        return _token!.Value;
    }

    /// <summary>After a 403: logs in again if the method can. Returns whether a retry may help.</summary>
    public async Task<bool> TryLogInAgainAsync(ILogger logger, CancellationToken cancellationToken)
    {
        if (!auth.CanLogIn)
        {
            return false;
        }

        await LogInAsync(logger, cancellationToken);
        return true;
    }

    private async Task LogInAsync(ILogger logger, CancellationToken cancellationToken)
    {
        var previous = _token?.Value;
        _token = await auth.GetTokenAsync(client, time, cancellationToken);
        if (_token.Value != previous)
        {
            // Only a new token means new leases are needed (a token file rewritten with the same token is not one).
            Generation++;
        }

        _increment = _token.Ttl;
        _renewalExhausted = false;
        VaultLog.LoggedIn(logger, auth.Description, _token.Ttl?.TotalSeconds ?? 0, _token.Renewable);
        Schedule();
    }

    private async Task MaintainAsync(ILogger logger, CancellationToken cancellationToken)
    {
        var token = _token!;
        if (token.Renewable && !_renewalExhausted && _increment is { } increment)
        {
            try
            {
                var now = time.GetUtcNow();
                var renewed = await client.RenewSelfAsync(token.Value, (long)increment.TotalSeconds, cancellationToken);
                var ttl = TimeSpan.FromSeconds(renewed.Auth?.LeaseDuration ?? 0);
                _renewalExhausted = ttl < increment;
                _token = new VaultToken(token.Value, now, ttl > TimeSpan.Zero ? ttl : token.Ttl, renewed.Auth?.Renewable ?? token.Renewable);
                VaultLog.TokenRenewed(logger, auth.Description, ttl.TotalSeconds, _renewalExhausted);
                Schedule();
                return;
            }
            catch (VaultApiException exception)
            {
                // A static token that cannot be renewed may still be valid: stop renewing it rather than fail every read.
                VaultLog.TokenRenewalFailed(logger, exception, auth.Description);
                _renewalExhausted = true;
            }
        }

        if (auth.CanLogIn)
        {
            await LogInAsync(logger, cancellationToken);
        }
        else
        {
            // A static token that can no longer be renewed lives until it expires; nothing more can be done.
            NextActionAt = null;
        }
    }

    private void Schedule()
    {
        var token = _token!;
        var canAct = (token.Renewable && !_renewalExhausted) || auth.CanLogIn;
        NextActionAt = token.Ttl is { } ttl && canAct
            ? token.ObtainedAt + (ttl * (0.6 + (Random.Shared.NextDouble() * 0.1)))
            : null;
    }
}
