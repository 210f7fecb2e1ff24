using Azure;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SecretRotation.AspNetCore.ServiceBus;

/// <summary>
/// Receives Key Vault's events from this replica's Service Bus subscription (creating it first when asked) with a
/// <see cref="ServiceBusProcessor"/> that settles every message itself: complete, dead-letter or abandon, as
/// <see cref="ServiceBusEventHandler"/> decides. Never stops the host: set-up failures are logged and retried.
/// </summary>
internal sealed class ServiceBusReceiverService(
    IOptions<SecretRotationServiceBusOptions> options,
    ServiceBusEventHandler handler,
    TimeProvider timeProvider,
    ILogger logger) : BackgroundService
{
    /// <summary>The dead-letter reason of poison messages; the description says what was wrong.</summary>
    internal const string DeadLetterReason = "InvalidSecretRotationEvent";

    private static readonly TimeSpan FirstSetupRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxSetupRetry = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaxAbandonDelay = TimeSpan.FromSeconds(30);

    /// <summary>How often a running receiver tells the sources push is healthy (well within their PushStaleAfter, default 1 h).</summary>
    internal static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMinutes(5);

    private readonly SecretRotationServiceBusOptions _options = options.Value;
    private int _recreating;
    private int _errorsSinceBeat;

    /// <summary>The subscription this replica receives from.</summary>
    internal string SubscriptionName { get; } = options.Value.SubscriptionName
        ?? SubscriptionNames.ForPod(SubscriptionNames.PodName(Environment.GetEnvironmentVariable));

    private bool CreatesSubscription => _options.CreateSubscription ?? _options.SubscriptionName is null;

    private string Topic => _options.TopicName!;

    /// <summary>How long to hold a failed message before abandoning it: 1 s, doubling with each delivery, at most 30 s.</summary>
    internal static TimeSpan AbandonDelay(int deliveryCount) =>
        TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Clamp(deliveryCount, 1, 16) - 1), MaxAbandonDelay.TotalSeconds));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var client = _options.ConnectionString is { Length: > 0 } connectionString
            ? new ServiceBusClient(connectionString, new ServiceBusClientOptions { Identifier = SubscriptionName })
            : new ServiceBusClient(HostName(_options.FullyQualifiedNamespace!), _options.Credential!, new ServiceBusClientOptions { Identifier = SubscriptionName });

        if (CreatesSubscription && !await EnsureSubscriptionWithRetriesAsync(stoppingToken))
        {
            return;
        }

        await using var processor = client.CreateProcessor(Topic, SubscriptionName, new ServiceBusProcessorOptions
        {
            AutoCompleteMessages = false,
            MaxConcurrentCalls = _options.MaxConcurrentCalls,
            ReceiveMode = ServiceBusReceiveMode.PeekLock,
            PrefetchCount = 0,
            Identifier = SubscriptionName,
        });
        processor.ProcessMessageAsync += OnMessageAsync;
        processor.ProcessErrorAsync += OnErrorAsync;
        try
        {
            await processor.StartProcessingAsync(stoppingToken);
            ServiceBusLog.Started(logger, Topic, SubscriptionName);
            await HeartbeatAsync(processor, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            // Cancels the handlers' tokens and waits for them: an interrupted message is abandoned, not lost.
            await processor.StopProcessingAsync(CancellationToken.None);
            ServiceBusLog.Stopped(logger, Topic, SubscriptionName);
        }
    }

    internal async Task OnMessageAsync(ProcessMessageEventArgs args)
    {
        var message = args.Message;
        MessageOutcome outcome;
        try
        {
            outcome = await handler.HandleAsync(message, args.CancellationToken);
        }
        catch (Exception exception)
        {
            // The handler does not throw by design; if it does, the message is retried and the processor keeps going.
            ServiceBusLog.HandlerFailed(logger, exception, message.MessageId);
            outcome = MessageOutcome.Abandon("handler threw");
        }

        try
        {
            switch (outcome.Settlement)
            {
                case MessageSettlement.Complete:
                    await args.CompleteMessageAsync(message, CancellationToken.None);
                    ServiceBusLog.Completed(logger, message.MessageId, outcome.Refreshed);
                    break;
                case MessageSettlement.DeadLetter:
                    ServiceBusLog.DeadLettered(logger, message.MessageId, outcome.Reason!);
                    await args.DeadLetterMessageAsync(message, DeadLetterReason, outcome.Reason, CancellationToken.None);
                    break;
                default:
                    // Abandoning at once would spend Service Bus's MaxDeliveryCount within a second; hold the message a little
                    // (its lock is renewed), unless the receiver is stopping.
                    var delay = args.CancellationToken.IsCancellationRequested ? TimeSpan.Zero : AbandonDelay(message.DeliveryCount);
                    ServiceBusLog.Abandoned(logger, message.MessageId, message.DeliveryCount, delay, outcome.Reason!);
                    await DelayUnlessStoppingAsync(delay, args.CancellationToken);
                    await args.AbandonMessageAsync(message, cancellationToken: CancellationToken.None);
                    break;
            }
        }
        catch (Exception exception) when (exception is ServiceBusException or InvalidOperationException or ObjectDisposedException)
        {
            ServiceBusLog.SettleFailed(logger, exception, message.MessageId, outcome.Settlement);
        }
    }

    /// <summary>
    /// While the processor runs, tells the sources every <see cref="HeartbeatInterval"/> that push is healthy, unless the
    /// processor reported an error since the last beat (then push counts as broken until a beat finds it quiet again).
    /// </summary>
    private async Task HeartbeatAsync(ServiceBusProcessor processor, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var failed = Interlocked.Exchange(ref _errorsSinceBeat, 0) > 0;
            handler.Dispatcher.ReportPushHealth(healthy: processor.IsProcessing && !failed);
            await Task.Delay(HeartbeatInterval, timeProvider, stoppingToken);
        }
    }

    internal Task OnErrorAsync(ProcessErrorEventArgs args)
    {
        // The receiver is disconnected or failing: sources fall back to their normal poll until it is healthy again.
        Interlocked.Increment(ref _errorsSinceBeat);
        handler.Dispatcher.ReportPushHealth(healthy: false);
        ServiceBusLog.ProcessorError(logger, args.Exception, args.ErrorSource.ToString(), args.EntityPath ?? Topic);
        if (args.Exception is ServiceBusException { Reason: ServiceBusFailureReason.MessagingEntityNotFound })
        {
            if (!CreatesSubscription)
            {
                ServiceBusLog.SubscriptionNotFound(logger, SubscriptionName, Topic);
            }
            else if (Interlocked.CompareExchange(ref _recreating, 1, 0) == 0)
            {
                // The subscription was deleted (idle for AutoDeleteOnIdle, e.g. after a long network partition): make it again.
                ServiceBusLog.SubscriptionMissing(logger, SubscriptionName, Topic);
                _ = RecreateAsync(args.CancellationToken);
            }
        }

        return Task.CompletedTask;
    }

    private async Task RecreateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureSubscriptionWithRetriesAsync(cancellationToken);
        }
        finally
        {
            Volatile.Write(ref _recreating, 0);
        }
    }

    /// <summary>Creates the subscription unless it exists, retrying with backoff; false only when stopping.</summary>
    private async Task<bool> EnsureSubscriptionWithRetriesAsync(CancellationToken cancellationToken)
    {
        var administration = _options.ConnectionString is { Length: > 0 } connectionString
            ? new ServiceBusAdministrationClient(connectionString)
            : new ServiceBusAdministrationClient(HostName(_options.FullyQualifiedNamespace!), _options.Credential!);
        var delay = FirstSetupRetry;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await administration.CreateSubscriptionAsync(
                    new CreateSubscriptionOptions(Topic, SubscriptionName) { AutoDeleteOnIdle = _options.AutoDeleteOnIdle },
                    cancellationToken);
                ServiceBusLog.SubscriptionCreated(logger, SubscriptionName, Topic, _options.AutoDeleteOnIdle);
                return true;
            }
            catch (ServiceBusException exception) when (exception.Reason == ServiceBusFailureReason.MessagingEntityAlreadyExists)
            {
                ServiceBusLog.SubscriptionExists(logger, SubscriptionName, Topic);
                return true;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception exception) when (IsForbidden(exception))
            {
                // Role assignments can take minutes to apply, so this is retried too.
                ServiceBusLog.SubscriptionForbidden(logger, exception, SubscriptionName, Topic, delay);
            }
            catch (Exception exception)
            {
                // Network, DNS, throttling, a missing topic: logged and retried; the host must not stop for it.
                ServiceBusLog.SubscriptionSetupFailed(logger, exception, SubscriptionName, Topic, delay);
            }

            if (!await DelayUnlessStoppingAsync(delay, cancellationToken))
            {
                return false;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxSetupRetry.Ticks));
        }

        return false;
    }

    /// <summary>
    /// 401 comes as <see cref="UnauthorizedAccessException"/>; 403 as a <see cref="ServiceBusException"/> (reason QuotaExceeded)
    /// around the HTTP failure.
    /// </summary>
    internal static bool IsForbidden(Exception exception) =>
        exception is UnauthorizedAccessException || exception.InnerException is RequestFailedException { Status: 401 or 403 };

    /// <summary>Waits; false when cancelled.</summary>
    private async Task<bool> DelayUnlessStoppingAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return !cancellationToken.IsCancellationRequested;
        }

        try
        {
            await Task.Delay(delay, timeProvider, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Accepts <c>mybus.servicebus.windows.net</c>, <c>sb://mybus.servicebus.windows.net/</c> or an https URL.</summary>
    internal static string HostName(string fullyQualifiedNamespace)
    {
        var trimmed = fullyQualifiedNamespace.Trim();
        return trimmed.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) ? uri.Host : trimmed.TrimEnd('/');
    }
}
