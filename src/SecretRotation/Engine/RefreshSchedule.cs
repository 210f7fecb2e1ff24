namespace SecretRotation.Engine;

/// <summary>
/// The refresh loop's clocks: when to poll, when an entry's refresh-by time comes, when to retry a failed read, and how
/// long a burst of watcher events is held back. Pure: every method takes <c>now</c> as a monotonic timestamp
/// (<see cref="TimeProvider.GetTimestamp"/>), jitter comes from <see cref="RefreshSettings.Randomizer"/>; it holds no
/// lock, starts no task and never reads a clock. Not thread-safe: <see cref="RefreshQueue"/> owns it and touches it only under its lock.
/// </summary>
/// <remarks>
/// While a retry is pending it alone counts (backoff throttles everything else); otherwise the earlier of the poll and
/// the refresh-by time. A jump of the wall clock moves none of the clocks.
/// </remarks>
internal sealed class RefreshSchedule
{
    /// <summary>A burst of watcher events is never held back longer than this, even if events keep coming.</summary>
    internal static readonly TimeSpan MinimumDebounceCap = TimeSpan.FromMilliseconds(200);

    /// <summary>Nothing is scheduled further ahead than this (a lease of a century is read again within a year), so timestamps cannot overflow.</summary>
    internal static readonly TimeSpan LongestSchedule = TimeSpan.FromDays(365);

    private readonly RefreshSettings _settings;
    private readonly long _timestampFrequency;

    // The refresh-by wall time last turned into a timestamp, so a later read that returns the same time keeps the deadline
    // even if the wall clock has jumped since.
    private (DateTimeOffset WallTime, long Timestamp)? _refreshByConverted;

    /// <param name="settings">The intervals, the jitter and the randomizer.</param>
    /// <param name="timestampFrequency">Timestamp ticks per second (<see cref="TimeProvider.TimestampFrequency"/>).</param>
    public RefreshSchedule(RefreshSettings settings, long timestampFrequency)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timestampFrequency);
        _settings = settings;
        _timestampFrequency = timestampFrequency;
    }

    // The poll at the normal interval, and the stretched one that applies while push covers the source (null: no stretch).
    private long? _pollAtNormal;
    private long? _pollAtStretched;

    // Until when the last sign of healthy push counts (null: push is not known to be healthy).
    private long? _pushHealthyUntil;

    /// <summary>
    /// When the next poll is due, or <see langword="null"/> when polling is off or a poll is being made. While push is healthy
    /// past the normal poll time, the stretched poll (or the moment push turns stale, if sooner); otherwise the normal one.
    /// </summary>
    public long? NextPoll =>
        _pollAtNormal is not { } normal ? null
        : _pollAtStretched is { } stretched && _pushHealthyUntil is { } healthyUntil && healthyUntil > normal ? Math.Min(stretched, healthyUntil)
        : normal;

    /// <summary>Whether push counts as healthy at <paramref name="now"/>.</summary>
    public bool IsPushHealthy(long now) => _pushHealthyUntil is { } until && until > now;

    /// <summary>When an entry must be read again (its refresh-by time), or <see langword="null"/> when none asks.</summary>
    public long? NextRefreshBy { get; private set; }

    /// <summary>When a failed read is tried again, or <see langword="null"/> when no retry is pending.</summary>
    public long? NextRetry { get; private set; }

    /// <summary>The timestamp of the next clock: a pending retry alone, otherwise the earlier of poll and refresh-by.</summary>
    public long? NextScheduled =>
        NextRetry ?? (NextPoll is { } poll && (NextRefreshBy is null || poll <= NextRefreshBy) ? poll : NextRefreshBy);

    /// <summary>
    /// The timestamp at which the loop has something to do, or <see langword="null"/> when nothing is scheduled:
    /// <paramref name="now"/> when a request is urgent; otherwise the earlier of the next clock and the end of the
    /// debounce window after the last watcher event (the window closes at most its cap after the burst's first event), and
    /// the spread-out time of waiting change notices (<paramref name="noticeDue"/>).
    /// </summary>
    public long? NextDue(long now, bool urgent, long? firstWatcherEvent, long? lastWatcherEvent, long? noticeDue = null)
    {
        if (urgent)
        {
            return now;
        }

        var due = NextScheduled;
        if (noticeDue is { } notice)
        {
            // Change notices spread over the fleet window; a pending retry does not hold them back further.
            due = due is { } scheduled && scheduled < notice ? scheduled : notice;
        }

        if (lastWatcherEvent is { } last && firstWatcherEvent is { } first)
        {
            var watcherDue = Math.Min(TimestampAfter(last, _settings.DebounceWindow), TimestampAfter(first, DebounceCap));
            due = due is { } scheduled && scheduled < watcherDue ? scheduled : watcherDue;
        }

        return due;
    }

    /// <summary>How long a burst of watcher events may be held back at most: ten debounce windows, at least 200 ms.</summary>
    public TimeSpan DebounceCap => _settings.DebounceWindow * 10 > MinimumDebounceCap ? _settings.DebounceWindow * 10 : MinimumDebounceCap;

    /// <summary>The triggers of the clocks that are due at <paramref name="now"/>, which are then consumed.</summary>
    public RefreshTriggers TakeDue(long now)
    {
        if (NextRetry is { } retry)
        {
            if (retry > now)
            {
                return RefreshTriggers.None;
            }

            NextRetry = null;
            return RefreshTriggers.Retry;
        }

        var triggers = RefreshTriggers.None;
        if (NextPoll is { } poll && poll <= now)
        {
            (_pollAtNormal, _pollAtStretched) = (null, null);
            triggers |= RefreshTriggers.Poll;
        }

        if (NextRefreshBy is { } refreshBy && refreshBy <= now)
        {
            NextRefreshBy = null;
            triggers |= RefreshTriggers.RefreshBy;
        }

        return triggers;
    }

    /// <summary>
    /// Sets the clocks after a successful read made for <paramref name="triggers"/>. The refresh-by clock follows
    /// <paramref name="earliestRefreshBy"/> (the current set's). A read made only for change notices saw only what they
    /// named, so it leaves the poll and a pending retry alone (or frequent pushes would postpone the safety-net poll
    /// forever); a read the refresh-by clock alone asked for does not count as a poll.
    /// </summary>
    public void OnSuccess(RefreshTriggers triggers, long now, DateTimeOffset wallNow, DateTimeOffset? earliestRefreshBy)
    {
        NextRefreshBy = RefreshBy(now, wallNow, earliestRefreshBy);
        if (triggers == RefreshTriggers.ChangeNotice)
        {
            return;
        }

        NextRetry = null;
        if (triggers != RefreshTriggers.RefreshBy || NextPoll is null)
        {
            var random = _settings.Randomizer();
            var pollDelay = triggers == RefreshTriggers.Initial ? _settings.FirstPollDelay(random) : _settings.NextPollDelay(random);
            _pollAtNormal = pollDelay is { } delay ? TimestampAfter(now, delay) : null;
            _pollAtStretched = _settings.NextPushCoveredPollDelay(random) is { } stretchedDelay ? TimestampAfter(now, stretchedDelay) : null;
        }
    }

    /// <summary>
    /// When the read a change notice asks for is due: <paramref name="now"/> plus a random share of the fleet spread, or
    /// <see langword="null"/> (at once) without one.
    /// </summary>
    public long? NoticeDue(long now) =>
        _settings.FleetSpread > TimeSpan.Zero ? TimestampAfter(now, _settings.FleetDelay(_settings.Randomizer())) : null;

    /// <summary>
    /// Records a sign of push health. Healthy: the stretched poll applies for <see cref="RefreshSettings.PushStaleAfter"/>
    /// from <paramref name="now"/>. Broken: the normal poll applies again, but when it is already due it comes at a random
    /// point of the next poll interval, so a fleet whose shared receiver broke at one instant does not poll at that instant.
    /// </summary>
    public void OnPushHealth(bool healthy, long now)
    {
        if (healthy)
        {
            _pushHealthyUntil = TimestampAfter(now, _settings.PushStaleAfter);
            return;
        }

        var wasStretched = IsPushHealthy(now) && NextPoll != _pollAtNormal;
        _pushHealthyUntil = null;
        if (wasStretched && _pollAtNormal is { } normal && normal <= now && _settings.PollInterval is { } interval)
        {
            _pollAtNormal = TimestampAfter(now, interval * _settings.Randomizer());
        }
    }

    /// <summary>
    /// Schedules the retry after failure number <paramref name="consecutiveFailures"/>: the backoff, but never sooner than
    /// a <paramref name="retryAfter"/> the store asked for (capped at the maximum backoff).
    /// </summary>
    /// <returns>The delay until the retry.</returns>
    public TimeSpan OnFailure(int consecutiveFailures, TimeSpan? retryAfter, long now)
    {
        var retryDelay = _settings.RetryDelay(consecutiveFailures, retryAfter, _settings.Randomizer());
        if (_settings.FleetSpread > TimeSpan.Zero)
        {
            // Replicas that failed together (an outage, one 429 answer to all) come back spread over several fleet windows.
            retryDelay += _settings.FleetRetryDelay(_settings.Randomizer());
        }

        NextRetry = TimestampAfter(now, retryDelay);
        return retryDelay;
    }

    /// <summary>The timestamp <paramref name="delay"/> after <paramref name="timestamp"/> (a negative delay counts as none, a longer one than a year as a year).</summary>
    public long TimestampAfter(long timestamp, TimeSpan delay)
    {
        var ticks = Math.Clamp(delay.Ticks, 0, LongestSchedule.Ticks);
        return timestamp + (long)((Int128)ticks * _timestampFrequency / TimeSpan.TicksPerSecond);
    }

    /// <summary>
    /// The timestamp at which an entry must be read again, but never sooner than the minimum interval (no busy loop on a
    /// past time). The entry's wall-clock refresh-by time becomes a delay now, when it has just been read, and the wait runs
    /// on the monotonic clock: a later jump of the wall clock neither postpones a lease renewal nor brings it forward.
    /// </summary>
    private long? RefreshBy(long now, DateTimeOffset wallNow, DateTimeOffset? earliestRefreshBy)
    {
        if (earliestRefreshBy is not { } refreshBy)
        {
            _refreshByConverted = null;
            return null;
        }

        long at;
        if (_refreshByConverted is { } converted && converted.WallTime == refreshBy)
        {
            // The same time as before (a read that changed nothing): keep its deadline, whatever the wall clock did since.
            at = converted.Timestamp;
        }
        else
        {
            at = TimestampAfter(now, refreshBy - wallNow);
            _refreshByConverted = (refreshBy, at);
        }

        var earliestAllowed = TimestampAfter(now, _settings.MinimumRefreshInterval);
        return at > earliestAllowed ? at : earliestAllowed;
    }
}
