using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;

namespace SecretRotation.AspNetCore.Tests;

/// <summary>A receiver (the SDK's mocking constructor) that records how the processor's handler settles messages.</summary>
internal sealed class RecordingReceiver : ServiceBusReceiver
{
    private readonly ConcurrentQueue<string> _settlements = new();

    public IReadOnlyList<string> Settlements => _settlements.ToArray();

    public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
    {
        _settlements.Enqueue($"complete {message.MessageId}");
        return Task.CompletedTask;
    }

    public override Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default)
    {
        _settlements.Enqueue($"abandon {message.MessageId}");
        return Task.CompletedTask;
    }

    public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, string deadLetterReason, string? deadLetterErrorDescription = null, CancellationToken cancellationToken = default)
    {
        _settlements.Enqueue($"dead-letter {message.MessageId} {deadLetterReason}: {deadLetterErrorDescription}");
        return Task.CompletedTask;
    }

    public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify, string deadLetterReason, string? deadLetterErrorDescription = null, CancellationToken cancellationToken = default)
    {
        _settlements.Enqueue($"dead-letter {message.MessageId} {deadLetterReason}: {deadLetterErrorDescription}");
        return Task.CompletedTask;
    }
}
