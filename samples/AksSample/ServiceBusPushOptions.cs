namespace AksSample;

/// <summary>
/// The optional Service Bus fan-out of Key Vault events, bound from <c>SecretRotation:ServiceBus</c>: Event Grid forwards the
/// vault's events to <see cref="Topic"/>, and each replica receives them on its own subscription (created and named after the
/// pod), connecting with <c>DefaultAzureCredential</c> (Workload Identity on AKS).
/// </summary>
public sealed class ServiceBusPushOptions
{
    /// <summary>The Service Bus namespace: its host name (<c>mybus.servicebus.windows.net</c>) or just its name (<c>mybus</c>).</summary>
    public string? Namespace { get; set; }

    /// <summary>The topic the vault's Event Grid system topic delivers to, e.g. <c>keyvault-events</c>.</summary>
    public string? Topic { get; set; }

    /// <summary>Whether both <see cref="Namespace"/> and <see cref="Topic"/> are set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Namespace) && !string.IsNullOrWhiteSpace(Topic);

    /// <summary>Checks that both or neither of <see cref="Namespace"/> and <see cref="Topic"/> are set.</summary>
    /// <exception cref="InvalidOperationException">Only one of them is set.</exception>
    public void Validate()
    {
        var hasNamespace = !string.IsNullOrWhiteSpace(Namespace);
        if (hasNamespace != !string.IsNullOrWhiteSpace(Topic))
        {
            throw new InvalidOperationException(
                $"{PushOptions.SectionName}:ServiceBus: set both Namespace and Topic for the Service Bus fan-out, or neither (only {(hasNamespace ? "Namespace" : "Topic")} is set).");
        }
    }

    /// <summary>The namespace's host name: <see cref="Namespace"/> as given when it has a dot, else <c>{Namespace}.servicebus.windows.net</c>.</summary>
    public string GetFullyQualifiedNamespace()
    {
        var name = Namespace?.Trim() ?? throw new InvalidOperationException($"{PushOptions.SectionName}:ServiceBus:Namespace is not set.");
        return name.Contains('.', StringComparison.Ordinal) ? name : name + ".servicebus.windows.net";
    }
}
