using Microsoft.Extensions.Logging;
using SecretRotation.HashiCorpVault.Client;

namespace SecretRotation.HashiCorpVault.Auth;

/// <summary>
/// Keeps a usable token: logs in when there is none, renews it (renew-self) at about two thirds of its TTL, and logs in
/// again when renewal fails, the token is not renewable, or renewal no longer extends it (its max TTL is near). After a
/// 403 it logs in again only when the token itself is dead (expired by its TTL, or refused by lookup-self): a live token
/// refused on a path means the policy denies that path, and a new login would only re-read (mint) every lease.
/// The token's age is timed on the monotonic clock. Called by one reader, one read at a time.
/// </summary>
internal sealed class VaultTokenManager(VaultAuthMethod auth, VaultHttpClient client, TimeProvider time)
{
    private VaultToken? _token;
    private TimeSpan? _increment;
    private bool _renewalExhausted;

    /// <summary>The token's age at which it needs renewal or a new login; <see langword="null"/> when nothing is due.</summary>
    private TimeSpan? _actAt;

    /// <summary>Draws where in 60–70 % of the TTL to renew, a number in [0, 1). Tests replace it to know exact times.</summary>
    internal Func<double> Randomizer { get; set; } = SecureRandomizer.Next;

    /// <summary>The token lookup-self vouched for since <see cref="BeginRead"/>: more 403s in the same read need no new lookup.</summary>
    private string? _confirmedAlive;

    /// <summary>Set when even a fresh token is refused lookup-self: then a refusal says nothing, and only the TTL tells.</summary>
    private bool _lookupSelfDenied;

    /// <summary>When the token next needs attention (renewal or a new login), for the engine's clock.</summary>
    public DateTimeOffset? NextActionAt => _token is { } token && _actAt is { } at
        ? time.GetUtcNow() + TimeSpan.FromTicks(Math.Max(0, (at - token.Age(time)).Ticks))
        : null;

    public string Description => auth.Description;

    /// <summary>
    /// Counts logins. Vault revokes the leases a token read when that token expires, so a lease read under an earlier login
    /// must be read again under the new one.
    /// </summary>
    public int Generation { get; private set; }

    public async Task<string> GetTokenAsync(ILogger logger, CancellationToken cancellationToken)
    {
        if (_token is null || auth.HasChanged || _token.IsExpired(time))
        {
            await LogInAsync(logger, cancellationToken);
        }
        else if (_actAt is { } at && _token.Age(time) >= at)
        {
            await MaintainAsync(logger, cancellationToken);
        }

        return _token!.Value;
    }

    /// <summary>Starts a read: what lookup-self said during an earlier read is forgotten.</summary>
    public void BeginRead() => _confirmedAlive = null;

    /// <summary>
    /// After a 403: whether the token itself is dead — expired by its TTL, or refused by <c>auth/token/lookup-self</c>.
    /// <see langword="false"/> means the token is valid, so the policy denies the path.
    /// </summary>
    public async Task<bool> IsDeadAsync(ILogger logger, CancellationToken cancellationToken)
    {
        var token = _token;
        if (token is null || token.IsExpired(time))
        {
            return true;
        }

        if (_confirmedAlive == token.Value || _lookupSelfDenied)
        {
            return false;
        }

        try
        {
            await client.LookupSelfAsync(token.Value, cancellationToken);
            _confirmedAlive = token.Value;
            return false;
        }
        catch (VaultApiException exception) when (exception.IsPermissionDenied)
        {
            VaultLog.TokenRefused(logger, auth.Description);
            return true;
        }
    }

    /// <summary>After a 403: logs in again if the method can. Returns whether a retry may help.</summary>
    /// <remarks>Callers that hold leases should ask <see cref="IsDeadAsync"/> first: a new login makes every lease be read again.</remarks>
    public async Task<bool> TryLogInAgainAsync(ILogger logger, CancellationToken cancellationToken)
    {
        if (!auth.CanLogIn)
        {
            return false;
        }

        await LogInAsync(logger, cancellationToken);
        return true;
    }

    /// <summary>
    /// Replaces a token <see cref="IsDeadAsync"/> found dead, when the method can log in. If the fresh token is refused
    /// lookup-self too, the policy denies lookup-self: from then on only the TTL says a token is dead (no login loop).
    /// </summary>
    public async Task<bool> TryReplaceDeadTokenAsync(ILogger logger, CancellationToken cancellationToken)
    {
        var dead = _token?.Value;
        if (!await TryLogInAgainAsync(logger, cancellationToken))
        {
            return false;
        }

        if (_token!.Value == dead)
        {
            // A token file that still holds the dead token: nothing learned about lookup-self.
            return true;
        }

        try
        {
            await client.LookupSelfAsync(_token!.Value, cancellationToken);
            _confirmedAlive = _token.Value;
        }
        catch (VaultApiException exception) when (exception.IsPermissionDenied)
        {
            _lookupSelfDenied = true;
            VaultLog.LookupSelfDenied(logger, auth.Description);
        }

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
                var sentAt = time.GetTimestamp();
                var renewed = await client.RenewSelfAsync(token.Value, (long)increment.TotalSeconds, cancellationToken);
                var ttl = TimeSpan.FromSeconds(renewed.Auth?.LeaseDuration ?? 0);
                _renewalExhausted = ttl < increment;
                _token = new VaultToken(token.Value, sentAt, ttl > TimeSpan.Zero ? ttl : token.Ttl, renewed.Auth?.Renewable ?? token.Renewable);
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
            _actAt = null;
        }
    }

    private void Schedule()
    {
        var token = _token!;
        var canAct = (token.Renewable && !_renewalExhausted) || auth.CanLogIn;
        _actAt = token.Ttl is { } ttl && canAct ? ttl * (0.6 + (Randomizer() * 0.1)) : null;
    }
}
