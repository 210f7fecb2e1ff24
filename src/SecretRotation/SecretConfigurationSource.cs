using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SecretRotation.Engine;

namespace SecretRotation;

/// <summary>
/// The settings every secret source shares: optional or required, poll clock, debounce, backoff, read timeout, time and logging.
/// Each store's configuration source derives from it and creates its <see cref="ISecretSource"/>; <see cref="Build"/>
/// wraps that in the shared reload engine.
/// </summary>
public abstract class SecretConfigurationSource : IConfigurationSource
{
    /// <summary>
    /// Whether the source may be missing or unreadable at start-up. An optional source starts empty and keeps retrying in the
    /// background; a required one makes <c>Build()</c> throw a <see cref="SecretSourceException"/>. After the first
    /// successful read this setting no longer matters: a failure always keeps the last good data.
    /// </summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool Optional { get; set; }

    /// <summary>How often to re-read on a clock, or <see langword="null"/> to never poll. Each store sets its own default.</summary>
    public TimeSpan? PollInterval { get; set; }

    /// <summary>The fraction by which each poll delay is randomly shortened or lengthened, so replicas spread their reads.</summary>
    /// <value>Default 0.1 (±10 %). Between 0 and 1.</value>
    public double PollJitter { get; set; } = 0.1;

    /// <summary>The quiet time after the last watcher event before reading, so one rotation that touches many files is read once.</summary>
    /// <value>Default 20 ms.</value>
    public TimeSpan DebounceWindow { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The first retry delay after a failed read; it doubles with each further failure (with ±20 % jitter). A retry never
    /// comes sooner than a <see cref="SecretSourceException.RetryAfter"/> the failed read reported.
    /// </summary>
    /// <value>Default 1 second.</value>
    public TimeSpan MinimumBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest retry delay after failed reads. It also caps how long a store's <see cref="SecretSourceException.RetryAfter"/>
    /// can hold back the next try.
    /// </summary>
    /// <value>Default 5 minutes.</value>
    public TimeSpan MaximumBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The shortest time between two reads that the clock schedules (an entry whose refresh-by time has passed does not
    /// cause a busy loop). Watcher events and explicit refreshes are not held back by it.
    /// </summary>
    /// <value>Default 1 second.</value>
    public TimeSpan MinimumRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long before a secret's <see cref="SecretEntry.ExpiresOn"/> to start warning: a warning is logged once per secret
    /// version and the key is listed in <see cref="SecretSourceStatus.KeysNearExpiry"/> for health checks.
    /// </summary>
    /// <value>Default 30 days.</value>
    public TimeSpan ExpiryWarningWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long one read of the store may take. A read that takes longer is cancelled and counts as a failed read (logged,
    /// counted, retried after the backoff): callers of <see cref="ISecretRefresher.RefreshAsync(CancellationToken)"/> get a
    /// <see cref="SecretSourceException"/> naming the source and the timeout, and the first read of a required source makes
    /// <c>Build()</c> throw. A source that ignores the cancellation is left running, but no second read of the same store
    /// starts beside it: the next read first waits for it, within that next read's own timeout.
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns the bound off (a read that never ends then stops every refresh).
    /// </summary>
    /// <value>Default 30 seconds. Positive and at most one day, or <see cref="Timeout.InfiniteTimeSpan"/>.</value>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the value a key had before it changed (or was removed) stays readable through <see cref="ISecretHistory"/>,
    /// so both sides of a rotation can accept the old and the new secret for a while. <see cref="TimeSpan.Zero"/> keeps
    /// nothing. It is off by default because a replaced secret kept in memory widens its exposure (a memory dump, a debugger,
    /// a bug that reads it): turn it on only for the sources whose secrets need a grace window, and keep it as short as the
    /// other side needs to switch. Previous values are never part of the configuration's data, never logged, and are dropped
    /// on this source's <see cref="TimeProvider"/> when the window has passed.
    /// </summary>
    /// <value>Default <see cref="TimeSpan.Zero"/> (off). Not negative, at most 30 days.</value>
    public TimeSpan PreviousValueWindow { get; set; }

    /// <summary>
    /// How long the first read of a required source keeps trying while the store throttles it (the failure carries a
    /// <see cref="SecretSourceException.RetryAfter"/>, e.g. Key Vault's 429 during a rolling restart of a large fleet), instead
    /// of making <c>Build()</c> throw and the container crash-loop. Each try comes after the delay a retry of the refresh loop
    /// would wait (the backoff, never sooner than <c>Retry-After</c>, plus a random share of <see cref="FleetSpread"/>'s retry
    /// windows), on this source's <see cref="TimeProvider"/>, cut to what is left of this budget (the last try comes at its
    /// end); once what is left is shorter than the <c>Retry-After</c>, <c>Build()</c> throws the throttled failure. A failure without <c>Retry-After</c> still throws at once, and an
    /// <see cref="Optional"/> source is not held: it starts empty and its loop retries. Keep it below what the pod's startup
    /// or liveness probe allows, or the kubelet kills the pod while it waits. <see cref="TimeSpan.Zero"/> throws at the first
    /// throttled answer.
    /// </summary>
    /// <value>Default 2 minutes. Not negative, at most one hour.</value>
    public TimeSpan StartupThrottleWait { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The window over which the replicas of a fleet spread the reads they would otherwise all make at the same moment: a read
    /// a change notice asks for (one push event reaches every replica at once through a Service Bus fan-out) waits a random
    /// share of it, and a retry after a failure waits a random share of four times it, on top of the backoff and any
    /// <c>Retry-After</c> (a retry is a full read, and replicas that failed together fail together until the store is
    /// back). With a spread, the first poll after start-up also comes at a random point of one whole poll interval around
    /// it, so a rollout's pods do not keep polling together. Size it so the fleet's reads fit the store's limit, e.g. replicas ÷ 360 per second for Key Vault (its limit is 4,000 transactions per
    /// 10 s per vault; see docs/scaling.md). <see cref="ISecretRefresher.RefreshAsync(SecretChangeNotice, CancellationToken)"/>
    /// completes once the read is made, so a push receiver's refresh timeout must exceed it.
    /// </summary>
    /// <value>Default <see cref="TimeSpan.Zero"/>: a single pod reads at once. At most one hour.</value>
    public TimeSpan FleetSpread { get; set; }

    /// <summary>
    /// The poll interval while a push path that covers this source is healthy (an event for this source was delivered
    /// through it, and since then it keeps answering handshakes, delivering, or the Service Bus receiver stays connected):
    /// polls are then only a safety net. When push looks
    /// broken (the receiver reports an error or disconnects, deliveries fail, or nothing was heard from it for
    /// <see cref="PushStaleAfter"/>), polls come back to <see cref="PollInterval"/>, spread over one interval.
    /// <see langword="null"/> keeps <see cref="PollInterval"/> whatever push does. Never shortens the poll.
    /// </summary>
    /// <value>Default <see langword="null"/>; the Azure Key Vault source sets 1 hour.</value>
    public TimeSpan? PushCoveredPollInterval { get; set; }

    /// <summary>
    /// How long one sign of healthy push (a handshake, an event, the receiver's heartbeat) counts; after it, with no newer
    /// sign, push counts as broken and <see cref="PushCoveredPollInterval"/> no longer applies.
    /// </summary>
    /// <value>Default 1 hour. Positive.</value>
    public TimeSpan PushStaleAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The fleet spread used when <see cref="FleetSpread"/> is left at zero: a store that knows its limits derives one from a
    /// fleet-size hint (the Azure Key Vault source from <c>ExpectedReplicas</c>).
    /// </summary>
    /// <value>Default <see cref="TimeSpan.Zero"/>.</value>
    protected virtual TimeSpan DerivedFleetSpread => TimeSpan.Zero;

    /// <summary>The fleet spread in force: <see cref="FleetSpread"/>, or <see cref="DerivedFleetSpread"/> when that is zero.</summary>
    internal TimeSpan EffectiveFleetSpread => FleetSpread > TimeSpan.Zero ? FleetSpread : DerivedFleetSpread;

    /// <summary>The clock for every delay, timer and timestamp.</summary>
    /// <value>Default <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// The logger factory to use until <c>services.AddSecretRotation()</c> attaches the host's one. Without either, nothing is logged.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Draws the jitter of polls and retries, a number in [0, 1). Tests replace it to know exact times.</summary>
    internal Func<double> Randomizer { get; set; } = SecureRandomizer.Next;

    /// <summary>Creates the reader for this store. Called once per <see cref="Build"/>.</summary>
    protected abstract ISecretSource CreateSecretSource();

    /// <summary>Validates the settings and creates the provider (the reload engine wrapped around <see cref="CreateSecretSource"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        var settings = RefreshSettings.From(this);
        return new SecretConfigurationProvider(CreateSecretSource(), settings);
    }
}
