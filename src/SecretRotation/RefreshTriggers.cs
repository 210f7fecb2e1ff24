namespace SecretRotation;

/// <summary>What asked for a refresh. Requests that arrive while one is in flight are coalesced, so several may be set.</summary>
[Flags]
public enum RefreshTriggers
{
    /// <summary>No trigger.</summary>
    None = 0,

    /// <summary>The first read, from <c>IConfigurationProvider.Load</c>.</summary>
    Initial = 1,

    /// <summary>A watcher (inotify) reported a change.</summary>
    Watcher = 2,

    /// <summary>The poll interval elapsed. Sources may check cheaply whether anything changed before reading.</summary>
    Poll = 4,

    /// <summary>An entry's <see cref="SecretEntry.RefreshBy"/> time arrived (TTL, lease end, expiry).</summary>
    RefreshBy = 8,

    /// <summary>A retry after a failed refresh.</summary>
    Retry = 16,

    /// <summary>User code or a push handler asked for a full refresh.</summary>
    Manual = 32,

    /// <summary>A change notice named secrets of this source; see <see cref="SecretReadRequest.Notices"/>.</summary>
    ChangeNotice = 64,
}
