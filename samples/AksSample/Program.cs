using System.Text.Encodings.Web;
using AksSample;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);

// The mode: Secrets:MountPath (env var Secrets__MountPath) names a real mount, KeyVault:VaultUri (KeyVault__VaultUri) a
// real vault; either, or both. With neither, the local demo makes its own volume under the temp path and its own Key Vault
// (an emulator on a loopback port) and rotates both. `using` deletes the demo directory and stops the emulator at
// shutdown, after the app is disposed.
var configuredMountPath = builder.Configuration[SampleMode.MountPathKey];
var keyVaultOptions = builder.Configuration.GetSection(KeyVaultOptions.SectionName).Get<KeyVaultOptions>() ?? new KeyVaultOptions();
var isDemo = string.IsNullOrWhiteSpace(configuredMountPath) && !keyVaultOptions.IsConfigured;
using var demoVolume = isDemo ? DemoVolume.Create() : null;
await using var demoKeyVault = isDemo ? await DemoKeyVault.StartAsync() : null;

var mode = demoVolume is not null && demoKeyVault is not null
    ? SampleMode.Demo(demoVolume.MountPath, demoKeyVault.VaultUri)
    : SampleMode.Configured(
        string.IsNullOrWhiteSpace(configuredMountPath) ? null : configuredMountPath,
        keyVaultOptions.IsConfigured ? keyVaultOptions.GetVaultUri() : null);

// 1. The volume: files User, Password and ConnectionString become Database:User, Database:Password, ...
//    Required: start-up fails if the directory cannot be read; after that, a failed read keeps the last good values.
if (mode.MountPath is not null)
{
    builder.Configuration.AddMountedSecrets(mode.MountPath, source => source.KeyPrefix = DatabaseOptions.SectionName);
}

// 2. Key Vault, added AFTER the volume so that it wins for keys both supply. Only secrets named aks-sample--* are read,
//    and the prefix is stripped: aks-sample--Database--Password becomes Database:Password. Required too: start-up fails
//    if the vault cannot be read (the error names the missing permission).
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

builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddSecretRotation();
builder.Services.AddOptions<DatabaseOptions>().Bind(builder.Configuration.GetSection(DatabaseOptions.SectionName));
builder.Services.AddSingleton(mode);
builder.Services.AddSingleton<SecretChangeTracker>();
builder.Services.AddSingleton<StatusReporter>();

if (demoVolume is not null && demoKeyVault is not null)
{
    // Registered as instances, so the container never disposes them; the `using`s above do.
    builder.Services.AddSingleton(demoVolume);
    builder.Services.AddSingleton(demoKeyVault);
    builder.Services.AddOptions<DemoOptions>()
        .Bind(builder.Configuration.GetSection(DemoOptions.SectionName))
        .Validate(options => options.RotationInterval > TimeSpan.Zero, "Demo:RotationInterval must be positive.")
        .Validate(options => options.KeyVaultRotationInterval > TimeSpan.Zero, "Demo:KeyVaultRotationInterval must be positive.")
        .ValidateOnStart();
    builder.Services.AddHostedService<DemoRotator>();
    builder.Services.AddHostedService<DemoKeyVaultRotator>();
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

app.Lifetime.ApplicationStarted.Register(() =>
{
    var urls = app.Urls.Count > 0 ? string.Join(", ", app.Urls) : "(no HTTP address)";
    switch (mode)
    {
        case { IsDemo: true, MountPath: { } mountPath, VaultUri: { } vaultUri }:
            var demo = app.Services.GetRequiredService<IOptions<DemoOptions>>().Value;
            StartupLog.DemoMode(app.Logger, mountPath, demo.RotationInterval, vaultUri, DemoKeyVault.ApiKeySecretName, demo.KeyVaultRotationInterval, keyVaultPollInterval, urls);
            break;
        case { MountPath: { } mountPath, VaultUri: { } vaultUri }:
            StartupLog.MountAndKeyVaultMode(app.Logger, mountPath, vaultUri, keyVaultOptions.DescribeSelection(), keyVaultPollInterval, urls);
            break;
        case { VaultUri: { } vaultUri }:
            StartupLog.KeyVaultMode(app.Logger, vaultUri, keyVaultOptions.DescribeSelection(), keyVaultPollInterval, urls);
            break;
        case { MountPath: { } mountPath }:
            StartupLog.MountMode(app.Logger, mountPath, urls);
            break;
    }
});

await app.RunAsync();
