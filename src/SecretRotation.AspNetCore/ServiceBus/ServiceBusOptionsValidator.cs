using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;

namespace SecretRotation.AspNetCore.ServiceBus;

/// <summary>Checks <see cref="SecretRotationServiceBusOptions"/> when the host starts, with messages that say what to set.</summary>
internal sealed class ServiceBusOptionsValidator : IValidateOptions<SecretRotationServiceBusOptions>
{
    private const string NotAConnectionString =
        "ConnectionString is not a Service Bus connection string (Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=..., or SharedAccessSignature=...).";

    public ValidateOptionsResult Validate(string? name, SecretRotationServiceBusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasNamespace = !string.IsNullOrWhiteSpace(options.FullyQualifiedNamespace);
        if (hasConnectionString == hasNamespace)
        {
            failures.Add("Set either FullyQualifiedNamespace (with Credential) or ConnectionString.");
        }
        else if (hasNamespace && options.Credential is null)
        {
            failures.Add("FullyQualifiedNamespace needs a Credential (for example DefaultAzureCredential).");
        }

        if (string.IsNullOrWhiteSpace(options.TopicName))
        {
            failures.Add("TopicName is required: the Service Bus topic the vault's Event Grid subscription delivers to.");
        }

        if (hasConnectionString && !hasNamespace)
        {
            // The connection string holds a key: the messages never quote it.
            try
            {
                var properties = ServiceBusConnectionStringProperties.Parse(options.ConnectionString);
                if (properties.Endpoint is null || (string.IsNullOrEmpty(properties.SharedAccessSignature)
                    && (string.IsNullOrEmpty(properties.SharedAccessKeyName) || string.IsNullOrEmpty(properties.SharedAccessKey))))
                {
                    failures.Add(NotAConnectionString);
                }
                else if (!string.IsNullOrEmpty(properties.EntityPath) && !string.Equals(properties.EntityPath, options.TopicName, StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add("The ConnectionString's EntityPath names another entity than TopicName.");
                }
            }
            catch (FormatException)
            {
                failures.Add(NotAConnectionString);
            }
        }

        if (options.SubscriptionName is { } subscription && !SubscriptionNames.IsValid(subscription))
        {
            failures.Add("SubscriptionName must be 1 to 50 letters, digits, '.', '-' or '_'.");
        }

        if (options.AutoDeleteOnIdle < SecretRotationServiceBusOptions.MinimumAutoDeleteOnIdle)
        {
            failures.Add("AutoDeleteOnIdle must be at least 5 minutes.");
        }

        if (options.MaxConcurrentCalls < 1)
        {
            failures.Add("MaxConcurrentCalls must be at least 1.");
        }

        if (options.RefreshTimeout <= TimeSpan.Zero || options.MaxRandomDelay < TimeSpan.Zero)
        {
            failures.Add("RefreshTimeout must be positive and MaxRandomDelay not negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
