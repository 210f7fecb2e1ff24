using System.Text.Encodings.Web;
using AksSample;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);

// The mode: Secrets:MountPath (env var Secrets__MountPath) names a real mount; without it, the local demo makes its own
// volume under the temp path and rotates it. `using` deletes the demo directory at shutdown, after the app is disposed.
var configuredMountPath = builder.Configuration[SampleMode.MountPathKey];
using var demoVolume = string.IsNullOrWhiteSpace(configuredMountPath) ? DemoVolume.Create() : null;
var mode = demoVolume is null ? SampleMode.Mount(configuredMountPath!) : SampleMode.Demo(demoVolume.MountPath);

// Files User, Password and ConnectionString in the volume become Database:User, Database:Password, ...
// Required: start-up fails if the directory cannot be read; after that, a failed read keeps the last good values.
builder.Configuration.AddMountedSecrets(mode.MountPath, source => source.KeyPrefix = DatabaseOptions.SectionName);

builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddSecretRotation();
builder.Services.AddOptions<DatabaseOptions>().Bind(builder.Configuration.GetSection(DatabaseOptions.SectionName));
builder.Services.AddSingleton(mode);
builder.Services.AddSingleton<SecretChangeTracker>();
builder.Services.AddSingleton<StatusReporter>();

if (demoVolume is not null)
{
    // Registered as an instance, so the container never disposes it; the `using` above does.
    builder.Services.AddSingleton(demoVolume);
    builder.Services.AddOptions<DemoOptions>()
        .Bind(builder.Configuration.GetSection(DemoOptions.SectionName))
        .Validate(options => options.RotationInterval > TimeSpan.Zero, "Demo:RotationInterval must be positive.")
        .ValidateOnStart();
    builder.Services.AddHostedService<DemoRotator>();
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
    if (mode.IsDemo)
    {
        var interval = app.Services.GetRequiredService<IOptions<DemoOptions>>().Value.RotationInterval;
        StartupLog.DemoMode(app.Logger, mode.MountPath, interval, urls);
    }
    else
    {
        StartupLog.MountMode(app.Logger, mode.MountPath, urls);
    }
});

await app.RunAsync();
