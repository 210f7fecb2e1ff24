using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SecretRotation.AspNetCore.Events;
using SecretRotation.AspNetCore.ServiceBus;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.AspNetCore.Tests;

/// <summary>The hosted receiver: registration, option checks, settlement of each outcome, subscription set-up and shutdown.</summary>
public sealed class ServiceBusReceiverTests
{
    /// <summary>The receiver's first subscription-setup retry waits this long; each further one twice as long.</summary>
    private static readonly TimeSpan FirstSetupRetry = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task EachOutcomeIsSettledAsTheHandlerDecides()
    {
        var time = new SignalingTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ReceiverHost.StartAsync(register: s => s.AddSingleton<TimeProvider>(time));
        var service = host.Services.GetServices<IHostedService>().OfType<ServiceBusReceiverService>().Single();
        var receiver = new RecordingReceiver();
        var version = host.Vault.SetSecret("Db--Password", "settled");
        var good = BusMessages.EventGrid(host.VaultHost, "Db--Password", version);
        var poison = BusMessages.Of("{\"not\": \"an event\"");

        await service.OnMessageAsync(new ProcessMessageEventArgs(good, receiver, CancellationToken.None));
        await service.OnMessageAsync(new ProcessMessageEventArgs(poison, receiver, CancellationToken.None));

        host.Vault.InjectFault(new KeyVaultFault { PathPrefix = "/secrets/Db--User", Method = "GET", StatusCode = 500 });
        var failing = BusMessages.EventGrid(host.VaultHost, "Db--User", host.Vault.SetSecret("Db--User", "never-read"));
        var abandoning = service.OnMessageAsync(new ProcessMessageEventArgs(failing, receiver, CancellationToken.None));
        await host.Logs.WaitForEventAsync(326, "the abandon to be scheduled");
        Assert.Equal(2, receiver.Settlements.Count);
        var abandonDelay = ServiceBusReceiverService.AbandonDelay(failing.DeliveryCount);
        await time.WaitForTimerAsync(abandonDelay, "the abandon's delay to start");
        time.Advance(abandonDelay);
        await abandoning.WithTimeout("the abandon after its delay");

        Assert.Equal(
            [
                $"complete {good.MessageId}",
                $"dead-letter {poison.MessageId} {ServiceBusReceiverService.DeadLetterReason}: malformed JSON",
                $"abandon {failing.MessageId}",
            ],
            receiver.Settlements);
        Assert.Equal("settled", host.Configuration["Db:Password"]);
        Assert.Equal("app", host.Configuration["Db:User"]);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 325 && e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task AMessageInterruptedByShutdownIsAbandonedAtOnce()
    {
        await using var host = await ReceiverHost.StartAsync();
        var service = host.Services.GetServices<IHostedService>().OfType<ServiceBusReceiverService>().Single();
        var receiver = new RecordingReceiver();
        var version = host.Vault.SetSecret("Db--Password", "slow");
        host.Vault.InjectFault(new KeyVaultFault { PathPrefix = "/secrets/Db--Password", Method = "GET", Latency = TimeSpan.FromSeconds(5), Count = 1 });
        var message = BusMessages.EventGrid(host.VaultHost, "Db--Password", version);
        using var stopping = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var watch = Stopwatch.StartNew();

        await service.OnMessageAsync(new ProcessMessageEventArgs(message, receiver, stopping.Token));

        Assert.Equal([$"abandon {message.MessageId}"], receiver.Settlements);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(10, 30)]
    [InlineData(2000, 30)]
    [InlineData(0, 1)]
    public void FailedMessagesAreHeldLongerWithEachDelivery(int deliveryCount, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), ServiceBusReceiverService.AbandonDelay(deliveryCount));
    }

    [Fact]
    public async Task RegistrationSharesOneExpiryAlertsAndIsIdempotent()
    {
        var services = new ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        services.AddLogging();
        services.AddSecretRotationServiceBusReceiver(o => { o.ConnectionString = ReceiverHost.ConnectionString; o.TopicName = "t"; });
        services.AddSecretRotationServiceBusReceiver(o => o.SubscriptionName = "explicit");
        services.AddHealthChecks().AddSecretRotation();
        await using var provider = services.BuildServiceProvider();

        Assert.Single(provider.GetServices<IHostedService>().OfType<ServiceBusReceiverService>());
        Assert.Same(provider.GetRequiredService<ExpiryAlerts>(), provider.GetRequiredService<ExpiryAlerts>());
        Assert.Equal(1, services.Count(d => d.ServiceType == typeof(ExpiryAlerts)));
        var options = provider.GetRequiredService<IOptions<SecretRotationServiceBusOptions>>().Value;
        Assert.Equal(("t", "explicit"), (options.TopicName, options.SubscriptionName));
        Assert.Equal("explicit", provider.GetServices<IHostedService>().OfType<ServiceBusReceiverService>().Single().SubscriptionName);
    }

    public static TheoryData<string, string> BadOptions() => new()
    {
        { "none", "Set either FullyQualifiedNamespace (with Credential) or ConnectionString." },
        { "both", "Set either FullyQualifiedNamespace (with Credential) or ConnectionString." },
        { "no-credential", "FullyQualifiedNamespace needs a Credential" },
        { "no-topic", "TopicName is required" },
        { "bad-subscription", "SubscriptionName must be 1 to 50 letters" },
        { "short-idle", "AutoDeleteOnIdle must be at least 5 minutes." },
        { "no-calls", "MaxConcurrentCalls must be at least 1." },
        { "no-timeout", "RefreshTimeout must be positive" },
        { "not-a-connection-string", "ConnectionString is not a Service Bus connection string" },
        { "garbage", "ConnectionString is not a Service Bus connection string" },
        { "other-entity", "The ConnectionString's EntityPath names another entity than TopicName." },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task BadOptionsStopTheHostFromStartingWithAMessageThatSaysWhatToSet(string problem, string message)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSecretRotationServiceBusReceiver(o =>
        {
            o.TopicName = "key-vault-events";
            o.ConnectionString = ReceiverHost.ConnectionString;
            switch (problem)
            {
                case "none": o.ConnectionString = null; break;
                case "both": o.FullyQualifiedNamespace = "mybus.servicebus.windows.net"; break;
                case "no-credential": o.ConnectionString = null; o.FullyQualifiedNamespace = "mybus.servicebus.windows.net"; break;
                case "no-topic": o.TopicName = " "; break;
                case "bad-subscription": o.SubscriptionName = "no spaces/or slashes"; break;
                case "short-idle": o.AutoDeleteOnIdle = TimeSpan.FromMinutes(4); break;
                case "no-calls": o.MaxConcurrentCalls = 0; break;
                case "not-a-connection-string": o.ConnectionString = "SharedAccessKey=" + ReceiverHost.SharedAccessKey; break;
                case "garbage": o.ConnectionString = "this is " + ReceiverHost.SharedAccessKey; break;
                case "other-entity": o.ConnectionString = ReceiverHost.ConnectionString + ";EntityPath=another-topic"; break;
                default: o.RefreshTimeout = TimeSpan.Zero; break;
            }
        });
        using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ReceiverHost.SharedAccessKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CredentialOptionsPassValidationAndTheNamespaceMayBeAUrl()
    {
        var options = new SecretRotationServiceBusOptions
        {
            FullyQualifiedNamespace = "sb://mybus.servicebus.windows.net/",
            Credential = new FakeCredential(),
            TopicName = "key-vault-events",
        };

        Assert.True(new ServiceBusOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal("mybus.servicebus.windows.net", ServiceBusReceiverService.HostName(options.FullyQualifiedNamespace));
        Assert.Equal("mybus.servicebus.windows.net", ServiceBusReceiverService.HostName("https://mybus.servicebus.windows.net"));
        Assert.Equal("mybus.servicebus.windows.net", ServiceBusReceiverService.HostName("mybus.servicebus.windows.net"));
    }

    [Theory]
    [InlineData(StatusCodes.Status401Unauthorized)]
    [InlineData(StatusCodes.Status403Forbidden)]
    public async Task AForbiddenSubscriptionCreateIsLoggedWithWhatToConfigureAndRetried(int status)
    {
        await using var management = await FakeServiceBusManagement.StartAsync();
        management.StatusCode = status;
        var time = new SignalingTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CapturingLoggerProvider();
        using var app = BuildHost(management.ConnectionString, logs, time, o => o.AutoDeleteOnIdle = TimeSpan.FromMinutes(10));

        await app.StartAsync();
        await logs.WaitForEventAsync(323, "the forbidden error");
        await AdvanceOnceDelayedAsync(time, FirstSetupRetry, "the first setup retry's delay");
        await logs.WaitForEventAsync(323, "the retry", count: 2);
        management.StatusCode = StatusCodes.Status409Conflict;
        await AdvanceOnceDelayedAsync(time, FirstSetupRetry * 2, "the second setup retry's delay");
        await logs.WaitForEventAsync(320, "the processor to start once the subscription exists");
        await app.StopAsync();

        var forbidden = logs.Entries.First(e => e.EventId.Id == 323);
        Assert.Equal(LogLevel.Error, forbidden.Level);
        Assert.Contains("key-vault-events", forbidden.Message, StringComparison.Ordinal);
        Assert.Contains("secret-rotation-", forbidden.Message, StringComparison.Ordinal);
        Assert.Contains("SubscriptionName", forbidden.Message, StringComparison.Ordinal);
        Assert.Contains("Manage", forbidden.Message, StringComparison.Ordinal);
        var request = management.Requests[0];
        Assert.Equal("PUT", request.Method);
        Assert.StartsWith("/key-vault-events/Subscriptions/secret-rotation-", request.Path, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<AutoDeleteOnIdle>PT10M</AutoDeleteOnIdle>", request.Body, StringComparison.Ordinal);
        Assert.Equal(3, management.Requests.Count);
        Assert.Contains(logs.Entries, e => e.EventId.Id == 322);
        Assert.DoesNotContain(FakeServiceBusManagement.SharedAccessKey, logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExistingSubscriptionIsReceivedFromAndTheProcessorStopsCleanly()
    {
        await using var management = await FakeServiceBusManagement.StartAsync();
        management.StatusCode = StatusCodes.Status409Conflict;
        var logs = new CapturingLoggerProvider();
        using var app = BuildHost(management.ConnectionString, logs, TimeProvider.System, o =>
        {
            o.SubscriptionName = "pod-a";
            o.CreateSubscription = true;
        });

        await app.StartAsync();
        await logs.WaitForEventAsync(320, "the processor to start");
        await logs.WaitForEventAsync(327, "the processor's connection error");
        var watch = Stopwatch.StartNew();
        await app.StopAsync();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"stopping took {watch.Elapsed}");
        Assert.Contains(logs.Entries, e => e.EventId.Id == 322);
        Assert.Contains(logs.Entries, e => e.EventId.Id == 329);
        Assert.Single(management.Requests);
        Assert.DoesNotContain(FakeServiceBusManagement.SharedAccessKey, logs.AllText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ASubscriptionDeletedWhileIdleIsCreatedAgainWhenTheReceiverOwnsIt(bool owned)
    {
        await using var management = await FakeServiceBusManagement.StartAsync();
        management.StatusCode = StatusCodes.Status409Conflict;
        var logs = new CapturingLoggerProvider();
        using var app = BuildHost(management.ConnectionString, logs, TimeProvider.System, o => o.SubscriptionName = owned ? null : "shared");
        var service = app.Services.GetServices<IHostedService>().OfType<ServiceBusReceiverService>().Single();
        var notFound = new ServiceBusException("The messaging entity could not be found.", ServiceBusFailureReason.MessagingEntityNotFound);

        await service.OnErrorAsync(new ProcessErrorEventArgs(notFound, ServiceBusErrorSource.Receive, "127.0.0.1", "key-vault-events/Subscriptions/x", CancellationToken.None));

        if (owned)
        {
            await logs.WaitForEventAsync(322, "the subscription to be created again");
            Assert.Contains(logs.Entries, e => e.EventId.Id == 331);
            Assert.Single(management.Requests);
        }
        else
        {
            Assert.Contains(logs.Entries, e => e.EventId.Id == 333 && e.Message.Contains("shared", StringComparison.Ordinal));
            Assert.Empty(management.Requests);
        }

        Assert.Contains(logs.Entries, e => e.EventId.Id == 327 && e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task AnUnreachableNamespaceNeitherCrashesTheHostNorBlocksShutdown()
    {
        var logs = new CapturingLoggerProvider();
        using var app = BuildHost(ReceiverHost.ConnectionString, logs, TimeProvider.System, o => o.SubscriptionName = "fixed-subscription");

        await app.StartAsync();
        await logs.WaitForEventAsync(327, "the processor's connection error");
        var watch = Stopwatch.StartNew();
        await app.StopAsync();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"stopping took {watch.Elapsed}");
        Assert.DoesNotContain(logs.Entries, e => e.EventId.Id is 321 or 322 or 323 or 324);
        Assert.DoesNotContain(ReceiverHost.SharedAccessKey, logs.AllText(), StringComparison.Ordinal);
    }

    private static IHost BuildHost(string connectionString, CapturingLoggerProvider logs, TimeProvider time, Action<SecretRotationServiceBusOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddSingleton(time);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSecretRotationServiceBusReceiver(o =>
        {
            o.ConnectionString = connectionString;
            o.TopicName = "key-vault-events";
            configure(o);
        });
        return builder.Build();
    }

    /// <summary>Waits until the receiver has started its retry delay on the fake clock, then moves the clock past it.</summary>
    private static async Task AdvanceOnceDelayedAsync(SignalingTimeProvider time, TimeSpan delay, string what)
    {
        await time.WaitForTimerAsync(delay, what);
        time.Advance(delay);
    }

    private sealed class FakeCredential : Azure.Core.TokenCredential
    {
        public override Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<Azure.Core.AccessToken> GetTokenAsync(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
