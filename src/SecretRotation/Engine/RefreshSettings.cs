using Microsoft.Extensions.Logging;

namespace SecretRotation.Engine;

/// <summary>A validated copy of <see cref="SecretConfigurationSource"/>'s settings, taken at build time.</summary>
internal sealed record RefreshSettings(
    bool Optional,
    TimeSpan? PollInterval,
    double PollJitter,
    TimeSpan DebounceWindow,
    TimeSpan MinimumBackoff,
    TimeSpan MaximumBackoff,
    TimeSpan MinimumRefreshInterval,
    TimeSpan ExpiryWarningWindow,
    TimeSpan ReadTimeout,
    TimeProvider TimeProvider,
    ILoggerFactory? LoggerFactory,
    Func<double> Randomizer,
    TimeSpan FleetSpread = default,
    TimeSpan? PushCoveredPollInterval = null,
    TimeSpan PushStaleAfter = default)
{
    /// <summary>Retry delays get ±20 % jitter.</summary>
    public const double BackoffJitter = 0.2;

    /// <summary>The longest <see cref="SecretConfigurationSource.ReadTimeout"/> other than infinite.</summary>
    public static readonly TimeSpan LongestReadTimeout = TimeSpan.FromDays(1);

    /// <summary>The longest <see cref="SecretConfigurationSource.PreviousValueWindow"/>.</summary>
    public static readonly TimeSpan LongestPreviousValueWindow = TimeSpan.FromDays(30);

    /// <summary>The longest <see cref="SecretConfigurationSource.FleetSpread"/>.</summary>
    public static readonly TimeSpan LongestFleetSpread = TimeSpan.FromHours(1);

    /// <summary>How long a replaced value stays readable through <see cref="ISecretHistory"/>; zero keeps nothing.</summary>
    public TimeSpan PreviousValueWindow { get; init; }

    /// <summary>The longest <see cref="SecretConfigurationSource.StartupThrottleWait"/>.</summary>
    public static readonly TimeSpan LongestStartupThrottleWait = TimeSpan.FromHours(1);

    /// <summary>How long a required source's first read keeps trying while the store throttles it; zero fails at the first throttled answer.</summary>
    public TimeSpan StartupThrottleWait { get; init; }

    public static RefreshSettings From(SecretConfigurationSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.PollInterval is { } poll && poll <= TimeSpan.Zero)
        {
            throw OutOfRange(nameof(SecretConfigurationSource.PollInterval), poll, "PollInterval must be positive, or null to turn polling off.");
        }

        if (double.IsNaN(source.PollJitter) || source.PollJitter is < 0 or > 1)
        {
            throw OutOfRange(nameof(SecretConfigurationSource.PollJitter), source.PollJitter, "PollJitter must be between 0 and 1.");
        }

        if (source.DebounceWindow < TimeSpan.Zero)
        {
            throw OutOfRange(nameof(SecretConfigurationSource.DebounceWindow), source.DebounceWindow, "DebounceWindow must not be negative.");
        }

        if (source.MinimumBackoff <= TimeSpan.Zero || source.MaximumBackoff < source.MinimumBackoff)
        {
            throw OutOfRange(nameof(SecretConfigurationSource.MinimumBackoff), source.MinimumBackoff, "MinimumBackoff must be positive and not above MaximumBackoff.");
        }

        if (source.MinimumRefreshInterval < TimeSpan.Zero)
        {
            throw OutOfRange(nameof(SecretConfigurationSource.MinimumRefreshInterval), source.MinimumRefreshInterval, "MinimumRefreshInterval must not be negative.");
        }

        if (source.ExpiryWarningWindow < TimeSpan.Zero)
        {
            throw OutOfRange(nameof(SecretConfigurationSource.ExpiryWarningWindow), source.ExpiryWarningWindow, "ExpiryWarningWindow must not be negative.");
        }

        if (source.ReadTimeout != Timeout.InfiniteTimeSpan && (source.ReadTimeout <= TimeSpan.Zero || source.ReadTimeout > LongestReadTimeout))
        {
            throw OutOfRange(nameof(SecretConfigurationSource.ReadTimeout), source.ReadTimeout, "ReadTimeout must be positive and at most one day, or Timeout.InfiniteTimeSpan to turn it off.");
        }

        if (source.PreviousValueWindow < TimeSpan.Zero || source.PreviousValueWindow > LongestPreviousValueWindow)
        {
            throw OutOfRange(nameof(SecretConfigurationSource.PreviousValueWindow), source.PreviousValueWindow, "PreviousValueWindow must not be negative, and at most 30 days.");
        }

        if (source.StartupThrottleWait < TimeSpan.Zero || source.StartupThrottleWait > LongestStartupThrottleWait)
        {
            throw OutOfRange(nameof(SecretConfigurationSource.StartupThrottleWait), source.StartupThrottleWait, "StartupThrottleWait must not be negative, and at most one hour.");
        }

        var fleetSpread = source.EffectiveFleetSpread;
        if (fleetSpread < TimeSpan.Zero || fleetSpread > LongestFleetSpread)
        {
            throw OutOfRange(nameof(SecretConfigurationSource.FleetSpread), fleetSpread, "FleetSpread must be between zero and one hour.");
        }

        if (source.PushCoveredPollInterval is { } stretched && stretched <= TimeSpan.Zero)
        {
            throw OutOfRange(nameof(SecretConfigurationSource.PushCoveredPollInterval), stretched, "PushCoveredPollInterval must be positive, or null to keep polling at PollInterval while push is healthy.");
        }

        if (source.PushStaleAfter <= TimeSpan.Zero)
        {
            throw OutOfRange(nameof(SecretConfigurationSource.PushStaleAfter), source.PushStaleAfter, "PushStaleAfter must be positive.");
        }

        ArgumentNullException.ThrowIfNull(source.TimeProvider);
        ArgumentNullException.ThrowIfNull(source.Randomizer);
        return new RefreshSettings(
            source.Optional,
            source.PollInterval,
            source.PollJitter,
            source.DebounceWindow,
            source.MinimumBackoff,
            source.MaximumBackoff,
            source.MinimumRefreshInterval,
            source.ExpiryWarningWindow,
            source.ReadTimeout,
            source.TimeProvider,
            source.LoggerFactory,
            source.Randomizer,
            fleetSpread,
            source.PushCoveredPollInterval,
            source.PushStaleAfter)
        {
            PreviousValueWindow = source.PreviousValueWindow,
            StartupThrottleWait = source.StartupThrottleWait,
        };
    }

    /// <summary>
    /// The exception for a setting out of range, naming the setting (as <see cref="MountedVolumes.MountedPathKind.ValidateMaxFileSize"/>
    /// does) rather than <c>source</c>, the parameter of <see cref="From"/>: the caller set a property, not passed an argument.
    /// </summary>
    private static ArgumentOutOfRangeException OutOfRange(string propertyName, object? value, string message) => new(propertyName, value, message);

    /// <summary>The next poll delay: the interval shortened or lengthened by up to <see cref="PollJitter"/>.</summary>
    public TimeSpan? NextPollDelay(double random) =>
        PollInterval is { } poll ? poll * (1 + (PollJitter * ((2 * random) - 1))) : null;

    /// <summary>
    /// The delay of the first poll after start-up. With a fleet spread, a random point of one whole interval around it
    /// (half to one and a half intervals): the pods of a rollout start within seconds of each other, and a ±10 % jitter
    /// would keep their polls bunched for many intervals (10,000 Vault replicas: the busiest 10 s at five times the mean).
    /// Without one, the normal poll delay.
    /// </summary>
    public TimeSpan? FirstPollDelay(double random) =>
        FleetSpread > TimeSpan.Zero && PollInterval is { } poll ? poll * (0.5 + random) : NextPollDelay(random);

    /// <summary>
    /// The poll delay while push covers the source: the stretched interval (jittered like the poll), never shorter than the
    /// normal one; <see langword="null"/> when polling is off or the source does not stretch.
    /// </summary>
    public TimeSpan? NextPushCoveredPollDelay(double random) =>
        PollInterval is { } poll && PushCoveredPollInterval is { } stretched && stretched > poll
            ? stretched * (1 + (PollJitter * ((2 * random) - 1)))
            : null;

    /// <summary>
    /// How many fleet windows a retry after a failure spreads over. Replicas that failed together (an outage, one 429 to
    /// all) keep failing together until the store is back, and a retry is a full read (a List page and the changed secrets:
    /// about twice a push fetch). Spread over four windows, a replica's retries come at least two windows apart on average,
    /// so the fleet's retries arrive at no more than half the rate of a push fan-out, and cost no more requests per second.
    /// </summary>
    public const int FleetRetryWindows = 4;

    /// <summary>A random share of <see cref="FleetSpread"/> (zero without one).</summary>
    public TimeSpan FleetDelay(double random) => FleetSpread * random;

    /// <summary>A random share of <see cref="FleetRetryWindows"/> fleet windows, added to a retry's delay (zero without a spread).</summary>
    public TimeSpan FleetRetryDelay(double random) => FleetSpread * (FleetRetryWindows * random);

    /// <summary>The delay before retry number <paramref name="consecutiveFailures"/> (1-based).</summary>
    public TimeSpan BackoffDelay(int consecutiveFailures, double random)
    {
        var exponent = Math.Min(Math.Max(consecutiveFailures - 1, 0), 30);
        var ticks = Math.Min(MinimumBackoff.Ticks * Math.Pow(2, exponent), MaximumBackoff.Ticks);
        return TimeSpan.FromTicks((long)(ticks * (1 + (BackoffJitter * ((2 * random) - 1)))));
    }

    /// <summary>
    /// The delay before the next try after failure number <paramref name="consecutiveFailures"/>: the backoff, but never
    /// sooner than a <paramref name="retryAfter"/> the store asked for, up to <see cref="MaximumBackoff"/>.
    /// </summary>
    public TimeSpan RetryDelay(int consecutiveFailures, TimeSpan? retryAfter, double random)
    {
        var backoff = BackoffDelay(consecutiveFailures, random);
        if (retryAfter is not { } asked || asked <= backoff)
        {
            return backoff;
        }

        // A server asking for hours does not stop refreshes for hours; replicas told the same Retry-After spread out
        // after it (never before it), so they do not all come back in the same instant.
        var wait = asked < MaximumBackoff ? asked : MaximumBackoff;
        wait += wait * (BackoffJitter * random);
        return wait > backoff ? wait : backoff;
    }
}
