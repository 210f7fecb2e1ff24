using System.Text.Encodings.Web;
using AksSample;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SecretRotation;

var builder = WebApplication.CreateBuilder(args);

// The mode: Secrets:MountPath (env var Secrets__MountPath) names a real mount, Secrets:RenderedFile (Secrets__RenderedFile)
// a rendered secrets file such as Vault Agent's, KeyVault:VaultUri (KeyVault__VaultUri) a real Azure Key Vault and
// Vault:Address (Vault__Address, or VAULT_ADDR) a real HashiCorp Vault; any of them. With none, the local demo makes its own
// volume under the temp path, its own Key Vault and its own HashiCorp Vault (emulators on loopback ports) and rotates all
// three. `using` deletes the demo directory and stops the emulators at shutdown, after the app is disposed.
var configuredMountPath = NullIfBlank(builder.Configuration[SampleMode.MountPathKey]);
var configuredRenderedFile = NullIfBlank(builder.Configuration[SampleMode.RenderedFileKey]);
var keyVaultOptions = builder.Configuration.GetSection(KeyVaultOptions.SectionName).Get<KeyVaultOptions>() ?? new KeyVaultOptions();
var vaultOptions = builder.Configuration.GetSection(VaultOptions.SectionName).Get<VaultOptions>() ?? new VaultOptions();
var kubernetesOptions = builder.Configuration.GetSection(KubernetesApiOptions.SectionName).Get<KubernetesApiOptions>() ?? new KubernetesApiOptions();
var isDemo = configuredMountPath is null && configuredRenderedFile is null && !keyVaultOptions.IsConfigured && !vaultOptions.IsConfigured
    && !kubernetesOptions.IsConfigured;
using var demoVolume = isDemo ? DemoVolume.Create() : null;
await using var demoKeyVault = isDemo ? await DemoKeyVault.StartAsync() : null;
await using var demoVault = isDemo ? await DemoVault.StartAsync() : null;
await using var demoKubernetes = isDemo ? await DemoKubernetes.StartAsync() : null;

IReadOnlyList<VaultSecretMapping> vaultMappings = demoVault is not null
    ? [new(DemoVault.KvPath, DatabaseOptions.SectionName), new(DemoVault.DatabaseCredsPath, DynamicDatabaseOptions.SectionName)]
    : vaultOptions.IsConfigured ? vaultOptions.GetMappings() : [];
var mode = demoVolume is not null && demoKeyVault is not null && demoVault is not null
    ? SampleMode.Demo(demoVolume.MountPath, demoKeyVault.VaultUri, demoVault.Address, vaultMappings) with
    {
        KubernetesSecret = demoKubernetes is null ? null : $"{DemoKubernetes.Namespace}/{DemoKubernetes.SecretName}",
    }
    : SampleMode.Configured(
        configuredMountPath,
        configuredRenderedFile,
        keyVaultOptions.IsConfigured ? keyVaultOptions.GetVaultUri() : null,
        vaultOptions.IsConfigured ? vaultOptions.GetAddress() : null,
        vaultMappings,
        kubernetesOptions.IsConfigured ? DescribeKubernetesSecret(kubernetesOptions) : null);

// The secret sources, lowest precedence first: each one added later wins for a key an earlier one also supplies. All are
// required: start-up fails if one cannot be read; after that, a failed read keeps the last good values and is retried.

// 1. The volume: files User, Password and ConnectionString become Database:User, Database:Password, ...
if (mode.MountPath is not null)
{
    builder.Configuration.AddMountedSecrets(mode.MountPath, source => source.KeyPrefix = DatabaseOptions.SectionName);
}

// 1b. A Kubernetes Secret read through the API server and watched (Kubernetes:SecretName): its keys become Database:<key>
//     by the volume's rules, within milliseconds of `kubectl apply` (a volume waits for the kubelet's sync, 1-2 minutes).
//     In a pod: the pod's service account (k8s/rbac-kubernetes-secrets.yaml grants get/list/watch on that one Secret).
if (demoKubernetes is not null)
{
    // The demo: the Kubernetes API emulator, with a token that may get/list/watch only this Secret.
    builder.Configuration.AddKubernetesSecrets(source =>
    {
        source.ClientConfiguration = demoKubernetes.ClientConfiguration;
        source.Namespace = DemoKubernetes.Namespace;
        source.SecretNames.Add(DemoKubernetes.SecretName);
        source.KeyPrefix = DatabaseOptions.SectionName;
    });
}
else if (kubernetesOptions.IsConfigured)
{
    builder.Configuration.AddKubernetesSecrets(source =>
    {
        source.SecretNames.Add(kubernetesOptions.SecretName!.Trim());
        source.Namespace = NullIfBlank(kubernetesOptions.Namespace);
        source.KubeconfigPath = NullIfBlank(kubernetesOptions.KubeconfigPath);
        source.KeyPrefix = DatabaseOptions.SectionName;
    });
}

// 2. A rendered secrets file, e.g. /vault/secrets/db.json from the Vault Agent injector: {"Database": {"User": ..., ...}}.
//    Its directory is watched; the agent replaces the file by a rename, which is read about 20 ms later.
if (mode.RenderedFile is not null)
{
    builder.Configuration.AddMountedSecretsFile(mode.RenderedFile);
}

// 3. Azure Key Vault. Only secrets named aks-sample--* are read, and the prefix is stripped: aks-sample--Database--Password
//    becomes Database:Password. (The error of a failed start names the missing permission.)
var keyVaultPollInterval = Timeout.InfiniteTimeSpan;
if (demoKeyVault is not null)
{
    builder.Configuration.AddAzureKeyVaultSecrets(demoKeyVault.CreateClient(), source =>
    {
        source.Prefix = KeyVaultOptions.SecretNamePrefix;
        source.PollInterval = DemoKeyVault.PollInterval;
    });
    keyVaultPollInterval = DemoKeyVault.PollInterval;
}
else if (mode.VaultUri is not null)
{
    // DefaultAzureCredential: Workload Identity on AKS (the webhook injects AZURE_CLIENT_ID, AZURE_TENANT_ID and
    // AZURE_FEDERATED_TOKEN_FILE), az login / Visual Studio / managed identity elsewhere.
    builder.Configuration.AddAzureKeyVaultSecrets(new Uri(mode.VaultUri), new DefaultAzureCredential(), source =>
    {
        keyVaultOptions.Configure(source);
        keyVaultPollInterval = source.PollInterval ?? Timeout.InfiniteTimeSpan;
    });
}

// 4. HashiCorp Vault, last: it wins over all the others. The KV v2 secret's fields become Database:<field>; dynamic
//    credentials (database/creds/<role>) become DynamicDatabase:username and DynamicDatabase:password, renewed at about
//    two thirds of their lease and read again (new credentials, one reload) before the lease's max TTL.
var vaultPollInterval = Timeout.InfiniteTimeSpan;
if (demoVault is not null)
{
    builder.Configuration.AddHashiCorpVault(source =>
    {
        source.Address = demoVault.Address;
        source.UseToken(demoVault.RootToken);
        foreach (var mapping in vaultMappings)
        {
            source.Mappings.Add(mapping);
        }

        source.PollInterval = DemoVault.PollInterval;
    });
    vaultPollInterval = DemoVault.PollInterval;
}
else if (mode.HashiCorpVaultAddress is not null)
{
    // Kubernetes auth by default: the pod's service-account token (/var/run/secrets/kubernetes.io/serviceaccount/token) for
    // Vault:Role. Or, with Vault:AuthMethod=token, the token in VAULT_TOKEN (a local dev server).
    builder.Configuration.AddHashiCorpVault(source =>
    {
        vaultOptions.Configure(source);
        vaultPollInterval = source.PollInterval ?? Timeout.InfiniteTimeSpan;
    });
}

// Push: Key Vault's SecretNewVersionCreated events, delivered by Event Grid to POST /secret-rotation/events (mapped below when a
// key is configured; in the demo, with a random key for its own deliveries), become targeted refreshes: one GET of the named
// secret, applied within milliseconds. The polls above stay on as the safety net. Optionally, a Service Bus topic fans the
// events out to every replica (a webhook reaches one pod behind the Service).
var pushOptions = builder.Configuration.GetSection(PushOptions.SectionName).Get<PushOptions>() ?? new PushOptions();
pushOptions.ServiceBus.Validate();
var eventKeys = pushOptions.GetEventKeys();
var demoEventSubscription = isDemo ? DemoEventSubscription.Create(PushOptions.EventsPath) : null;
if (pushOptions.ServiceBus.IsConfigured)
{
    var serviceBusNamespace = pushOptions.ServiceBus.GetFullyQualifiedNamespace();
    builder.Services.AddSecretRotationServiceBusReceiver(o =>
    {
        o.FullyQualifiedNamespace = serviceBusNamespace;
        o.Credential = new DefaultAzureCredential();
        o.TopicName = pushOptions.ServiceBus.Topic;
        // One subscription per replica, created and named after the pod (POD_NAME, else HOSTNAME), deleted by Service Bus
        // an hour after the pod is gone.
    });
}

// Health: Degraded (HTTP 200) when a source has not read successfully for three of its polls (15 minutes at least) or failed
// three reads in a row; Unhealthy (503) when a required source never loaded. Names sources and keys, never values.
var healthStalenessThreshold = StalenessThreshold(keyVaultPollInterval, vaultPollInterval);
const int HealthFailureThreshold = 3;
builder.Services.AddHealthChecks().AddSecretRotation(o =>
{
    o.StalenessThreshold = healthStalenessThreshold;
    o.FailureThreshold = HealthFailureThreshold;
});

builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddSecretRotation();
builder.Services.AddOptions<DatabaseOptions>().Bind(builder.Configuration.GetSection(DatabaseOptions.SectionName));
builder.Services.AddOptions<DynamicDatabaseOptions>().Bind(builder.Configuration.GetSection(DynamicDatabaseOptions.SectionName));
builder.Services.AddSingleton(mode);
builder.Services.AddSingleton<SecretChangeTracker>();
builder.Services.AddSingleton<StatusReporter>();

// Optional: a PostgreSQL query load through live rotations (Sample:Postgres:Enabled, off by default; see SamplePostgres). The
// NpgsqlDataSource is a rotating client (docs/zero-downtime.md, "PostgreSQL with Npgsql"), rebuilt when Database:User or
// Database:Password changes; the status page counts the queries served and failed.
builder.Services.AddSamplePostgres(builder.Configuration, isDemo);

if (demoVolume is not null && demoKeyVault is not null && demoVault is not null && demoKubernetes is not null && demoEventSubscription is not null)
{
    // Registered as instances, so the container never disposes them; the `using`s above do.
    builder.Services.AddSingleton(demoVolume);
    builder.Services.AddSingleton(demoKeyVault);
    builder.Services.AddSingleton(demoVault);
    builder.Services.AddSingleton(demoKubernetes);
    builder.Services.AddSingleton(demoEventSubscription);
    builder.Services.AddOptions<DemoOptions>()
        .Bind(builder.Configuration.GetSection(DemoOptions.SectionName))
        .Validate(options => options.RotationInterval > TimeSpan.Zero, "Demo:RotationInterval must be positive.")
        .Validate(options => options.KeyVaultRotationInterval > TimeSpan.Zero, "Demo:KeyVaultRotationInterval must be positive.")
        .Validate(options => options.VaultKvRotationInterval > TimeSpan.Zero, "Demo:VaultKvRotationInterval must be positive.")
        .Validate(options => options.KubernetesRotationInterval > TimeSpan.Zero, "Demo:KubernetesRotationInterval must be positive.")
        .ValidateOnStart();
    builder.Services.AddHostedService<DemoRotator>();
    builder.Services.AddHostedService<DemoKeyVaultRotator>();
    builder.Services.AddHostedService<DemoVaultRotator>();
    builder.Services.AddHostedService<DemoKubernetesRotator>();
}

await using var app = builder.Build();

// Created now, not on the first request, so it sees every rotation from start-up on.
app.Services.GetRequiredService<SecretChangeTracker>();

app.MapGet("/", (StatusReporter reporter, HttpContext context) =>
{
    context.Response.Headers.CacheControl = "no-store";
    return Results.Content(StatusPage.Render(reporter.Create(), HtmlEncoder.Default), "text/html; charset=utf-8");
});

app.MapGet("/status", (StatusReporter reporter, HttpContext context) =>
{
    context.Response.Headers.CacheControl = "no-store";
    return Results.Ok(reporter.Create());
});

app.MapHealthChecks(PushOptions.HealthPath);

// The library refuses to map the endpoint without a key (unless AllowAnonymous, with another protection such as
// RequireAuthorization). Outside the demo, no key: no endpoint.
IReadOnlyList<string> acceptedEventKeys = demoEventSubscription is not null ? [.. eventKeys, demoEventSubscription.Key] : eventKeys;
if (acceptedEventKeys.Count > 0)
{
    app.MapSecretRotationEvents(PushOptions.EventsPath, o =>
    {
        foreach (var key in acceptedEventKeys)
        {
            o.AccessKeys.Add(key);
        }
    });
}

app.Lifetime.ApplicationStarted.Register(() =>
{
    var urls = app.Urls.Count > 0 ? string.Join(", ", app.Urls) : "(no HTTP address)";
    if (mode is { IsDemo: true, MountPath: { } demoMountPath, VaultUri: { } demoVaultUri } && demoVault is not null)
    {
        var demo = app.Services.GetRequiredService<IOptions<DemoOptions>>().Value;
        StartupLog.DemoMode(app.Logger, demoMountPath, demo.RotationInterval, demoVaultUri, DemoKeyVault.ApiKeySecretName, demo.KeyVaultRotationInterval, keyVaultPollInterval, PushOptions.EventsPath, urls);
        StartupLog.DemoVaultMode(app.Logger, demoVault.Address, DemoVault.DatabaseCredsPath, DemoVault.LeaseTtl, DemoVault.LeaseMaxTtl, DemoVault.KvPath, demo.VaultKvRotationInterval, vaultPollInterval);
        if (demoKubernetes is not null)
        {
            StartupLog.DemoKubernetesMode(app.Logger, demoKubernetes.Address, $"{DemoKubernetes.Namespace}/{DemoKubernetes.SecretName}", demo.KubernetesRotationInterval);
        }

        LogPushAndHealth();
        return;
    }

    if (mode.MountPath is { } mountPath)
    {
        StartupLog.ReadingVolume(app.Logger, mountPath);
    }

    if (mode.RenderedFile is { } renderedFile)
    {
        StartupLog.ReadingRenderedFile(app.Logger, renderedFile);
    }

    if (mode.KubernetesSecret is { } kubernetesSecret)
    {
        StartupLog.ReadingKubernetesSecret(app.Logger, kubernetesSecret);
    }

    if (mode.VaultUri is { } vaultUri)
    {
        StartupLog.ReadingKeyVault(app.Logger, vaultUri, keyVaultOptions.DescribeSelection(), keyVaultPollInterval);
    }

    if (mode.HashiCorpVaultAddress is { } vaultAddress)
    {
        StartupLog.ReadingHashiCorpVault(app.Logger, vaultAddress, vaultOptions.DescribeAuth(), string.Join(", ", mode.HashiCorpVaultPaths), vaultPollInterval);
    }

    StartupLog.ConfiguredMode(app.Logger, mode.Name, urls);
    LogPushAndHealth();
});

await app.RunAsync();

// Push, Service Bus and health, after the mode lines.
void LogPushAndHealth()
{
    if (demoEventSubscription is not null)
    {
        StartupLog.DemoPush(app.Logger, PushOptions.EventsPath, eventKeys.Count);
    }
    else if (eventKeys.Count > 0)
    {
        StartupLog.PushOn(app.Logger, PushOptions.EventsPath, eventKeys.Count);
    }
    else
    {
        StartupLog.PushOff(app.Logger, PushOptions.EventsPath);
    }

    if (pushOptions.ServiceBus.IsConfigured)
    {
        StartupLog.ServiceBusOn(app.Logger, pushOptions.ServiceBus.Topic!, pushOptions.ServiceBus.GetFullyQualifiedNamespace());
    }

    StartupLog.Health(app.Logger, PushOptions.HealthPath, healthStalenessThreshold, HealthFailureThreshold);
}

static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

static string DescribeKubernetesSecret(KubernetesApiOptions options) =>
    string.IsNullOrWhiteSpace(options.Namespace) ? options.SecretName!.Trim() : $"{options.Namespace.Trim()}/{options.SecretName!.Trim()}";

// Three of the longest poll interval, and at least the library's default of 15 minutes (the volume and the rendered file are
// checked every 10 s; Key Vault and Vault every 5 minutes unless set otherwise).
static TimeSpan StalenessThreshold(params ReadOnlySpan<TimeSpan> pollIntervals)
{
    var threshold = TimeSpan.FromMinutes(15);
    foreach (var interval in pollIntervals)
    {
        if (interval > TimeSpan.Zero && interval != Timeout.InfiniteTimeSpan && interval * 3 > threshold)
        {
            threshold = interval * 3;
        }
    }

    return threshold;
}
