using System.Globalization;
using System.Threading.Channels;

namespace SecretRotation.Testing;

/// <summary>
/// Runs database roles' statements against a real database: creation and renewal on the request path, revocations in order
/// on a worker of their own; and applies the expiry of such leases on the emulator clock with a timer per lease (Vault's
/// expiration manager revokes at expiry; plain leases are still expired lazily). Members named "caller holds the lock" expect
/// <see cref="VaultState.Gate"/> to be held.
/// </summary>
internal sealed class VaultDatabaseRunner : IAsyncDisposable
{
    private const int RevocationAttempts = 3;

    private readonly VaultState _state;
    private readonly Channel<(VaultLeaseEntry Lease, TaskCompletionSource Done)> _revocations =
        Channel.CreateUnbounded<(VaultLeaseEntry, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, Task> _pending = new(StringComparer.Ordinal);
    private readonly List<Exception> _failures = [];
    private readonly CancellationTokenSource _stopping = new();
    private Task? _worker;

    public VaultDatabaseRunner(VaultState state) => _state = state;

    /// <summary>Statement failures so far (creation, renewal, and revocations that failed every attempt).</summary>
    public IReadOnlyList<Exception> Failures
    {
        get
        {
            lock (_failures)
            {
                return [.. _failures];
            }
        }
    }

    /// <summary>Vault's <c>{{expiration}}</c>: Go's <c>2006-01-02 15:04:05-0700</c>, in UTC.</summary>
    public static string FormatExpiration(DateTimeOffset expiration) =>
        expiration.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "+0000";

    /// <summary>Runs the role's creation statements; the exception, if any, is recorded and rethrown.</summary>
    public Task CreateAsync(VaultDatabaseRole role, string name, string password, DateTimeOffset expiration, CancellationToken cancellationToken) =>
        RunAsync(role, role.CreationStatements, name, password, expiration, $"Creating the credentials of user {name}", cancellationToken);

    /// <summary>Runs the role's renewal statements; the exception, if any, is recorded and rethrown.</summary>
    public Task RenewAsync(VaultDatabaseRole role, string name, DateTimeOffset expiration, CancellationToken cancellationToken) =>
        RunAsync(role, role.RenewStatements, name, password: null, expiration, $"Renewing the credentials of user {name}", cancellationToken);

    /// <summary>Starts the expiry timer of a new lease with a database. Caller holds the lock.</summary>
    public void Track(VaultLeaseEntry lease)
    {
        var leaseId = lease.LeaseId;
        lease.ExpiryTimer = _state.TimeProvider.CreateTimer(_ => Expire(leaseId), null, Due(lease), Timeout.InfiniteTimeSpan);
    }

    /// <summary>Moves a renewed lease's expiry timer. Caller holds the lock.</summary>
    public void Rescheduled(VaultLeaseEntry lease) => lease.ExpiryTimer?.Change(Due(lease), Timeout.InfiniteTimeSpan);

    /// <summary>A lease ended (revoked, expired, its token gone): queues its revocation statements. Caller holds the lock.</summary>
    public void Removed(VaultLeaseEntry lease)
    {
        lease.ExpiryTimer?.Dispose();
        lease.ExpiryTimer = null;
        if (lease.Role?.ExecuteAsync is null)
        {
            return;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pending)
        {
            _pending[lease.LeaseId] = done.Task;
            _worker ??= Task.Run(RevokeLoopAsync);
        }

        _revocations.Writer.TryWrite((lease, done));
    }

    /// <summary>Completes when the revocation queued for this lease has run (at once if none is pending).</summary>
    public Task WhenRevokedAsync(string leaseId)
    {
        lock (_pending)
        {
            return _pending.TryGetValue(leaseId, out var task) ? task : Task.CompletedTask;
        }
    }

    /// <summary>Runs the revocations already queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _revocations.Writer.TryComplete();
        Task? worker;
        lock (_pending)
        {
            worker = _worker;
        }

        if (worker is not null)
        {
            _stopping.CancelAfter(TimeSpan.FromSeconds(30));
            await worker;
        }

        _stopping.Dispose();
    }

    private TimeSpan Due(VaultLeaseEntry lease)
    {
        var due = lease.Lease.ExpireTime - _state.Now;
        return due > TimeSpan.Zero ? due : TimeSpan.Zero;
    }

    private void Expire(string leaseId)
    {
        lock (_state.Gate)
        {
            // Removes the lease (and queues its revocation) when it has expired; a timer that fired early is set again.
            if (_state.FindLiveLease(leaseId) is { } alive)
            {
                Rescheduled(alive);
            }
        }
    }

    private async Task RevokeLoopAsync()
    {
        await foreach (var (lease, done) in _revocations.Reader.ReadAllAsync(CancellationToken.None))
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await RunAsync(
                        lease.Role!, lease.Role!.RevocationStatements, lease.Lease.Username, password: null, expiration: null,
                        $"Revoking the credentials of user {lease.Lease.Username} (attempt {attempt})", _stopping.Token, record: attempt == RevocationAttempts);
                    break;
                }
                catch (Exception) when (attempt < RevocationAttempts && !_stopping.IsCancellationRequested)
                {
                    // Vault retries a failed revocation; so do we, a few times.
                }
                catch (Exception)
                {
                    break;
                }
            }

            lock (_pending)
            {
                _pending.Remove(lease.LeaseId);
            }

            done.TrySetResult();
        }
    }

    private async Task RunAsync(
        VaultDatabaseRole role, IReadOnlyList<string> statements, string name, string? password, DateTimeOffset? expiration, string what,
        CancellationToken cancellationToken, bool record = true)
    {
        var rendered = Render(statements, name, password, expiration);
        if (rendered.Count == 0)
        {
            return;
        }

        try
        {
            await role.ExecuteAsync!(rendered, cancellationToken);
        }
        catch (Exception exception) when (record)
        {
            // The statements hold the password: the message names the user only; the driver's exception is the inner one.
            lock (_failures)
            {
                _failures.Add(new InvalidOperationException($"{what} failed.", exception));
            }

            throw;
        }
    }

    /// <summary>Fills the templates and splits on <c>;</c>, dropping empty statements, as the plugin does.</summary>
    private static List<string> Render(IReadOnlyList<string> statements, string name, string? password, DateTimeOffset? expiration)
    {
        var rendered = new List<string>();
        foreach (var statement in statements)
        {
            foreach (var part in statement.Split(';'))
            {
                var query = part.Trim();
                if (query.Length == 0)
                {
                    continue;
                }

                query = query.Replace("{{name}}", name, StringComparison.Ordinal).Replace("{{username}}", name, StringComparison.Ordinal);
                if (password is not null)
                {
                    query = query.Replace("{{password}}", password, StringComparison.Ordinal);
                }

                if (expiration is { } at)
                {
                    query = query.Replace("{{expiration}}", FormatExpiration(at), StringComparison.Ordinal);
                }

                rendered.Add(query);
            }
        }

        return rendered;
    }
}
