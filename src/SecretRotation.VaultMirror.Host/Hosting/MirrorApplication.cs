using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecretRotation.AspNetCore;
using SecretRotation.HashiCorpVault;
using SecretRotation.VaultMirror.Configuration;
using SecretRotation.VaultMirror.Events;
using SecretRotation.VaultMirror.Mirroring;

namespace SecretRotation.VaultMirror.Hosting;

/// <summary>Composes the mirror: configuration, clients, the reconciler, the poll worker, <c>/events</c> and <c>/healthz</c>.</summary>
internal static class MirrorApplication
{
    public const string OnceFlag = "--once";

    /// <summary>Runs the service, or one pass with <c>--once</c>. Returns the process exit code: 0 success, 1 failure.</summary>
    public static async Task<int> RunAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var once = args.Contains(OnceFlag, StringComparer.Ordinal);
        await using var app = Build(args, once, configure);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SecretRotation.VaultMirror");
        try
        {
            _ = app.Services.GetRequiredService<MirrorOptions>();
        }
        catch (OptionsValidationException exception)
        {
            foreach (var failure in exception.Failures)
            {
                MirrorHostLog.InvalidConfiguration(logger, failure);
            }

            return 1;
        }

        if (!once)
        {
            await app.RunAsync(cancellationToken);
            return 0;
        }

        try
        {
            var result = await app.Services.GetRequiredService<MirrorReconciler>().ReconcileAllAsync(cancellationToken);
            return result.Succeeded ? 0 : 1;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            MirrorHostLog.PassThrew(logger, exception, 0);
            return 1;
        }
    }

    /// <summary>Builds the application; <paramref name="configure"/> runs last, so it can replace any registration.</summary>
    public static WebApplication Build(string[] args, bool once, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args.Where(a => a != OnceFlag).ToArray());
        var services = builder.Services;

        services.AddOptions<MirrorOptions>()
            .Bind(builder.Configuration.GetSection(MirrorOptions.SectionName))
            .PostConfigure(options =>
            {
                // The Vault CLI's variables, when the Mirror settings leave them out.
                if (options.VaultAddress is null && Uri.TryCreate(builder.Configuration["VAULT_ADDR"], UriKind.Absolute, out var address))
                {
                    options.VaultAddress = address;
                }

                if (options.Auth.Method == VaultAuthKind.Token && string.IsNullOrWhiteSpace(options.Auth.Token))
                {
                    options.Auth.Token = builder.Configuration["VAULT_TOKEN"];
                }

                options.VaultNamespace ??= builder.Configuration["VAULT_NAMESPACE"];
                options.VaultCaCertificateFile ??= builder.Configuration["VAULT_CACERT"];
                options.VaultCaCertificateDirectory ??= builder.Configuration["VAULT_CAPATH"];
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MirrorOptions>, MirrorOptionsValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<MirrorOptions>>().Value);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => MirrorClientFactory.CreateSecretClient(sp.GetRequiredService<MirrorOptions>()));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<MirrorOptions>();
            return new VaultClient(
                new VaultClientOptions
                {
                    Address = options.VaultAddress,
                    Namespace = options.VaultNamespace,
                    Authentication = VaultAuthFactory.Create(options.Auth),
                    CaCertificates = MirrorClientFactory.LoadVaultCa(options),
                    HttpMessageHandler = sp.GetService<VaultHandlerOverride>()?.Handler,
                    DisposeHttpMessageHandler = false,
                    TimeProvider = sp.GetRequiredService<TimeProvider>(),
                },
                sp.GetRequiredService<ILogger<VaultClient>>());
        });
        services.AddMetrics();
        services.AddSingleton<MirrorMetrics>();
        services.AddSingleton<MirrorStatus>();
        services.AddSingleton<MirrorReconciler>();

        services.AddSingleton<MirrorEventsEndpoint>();
        services.AddHealthChecks().AddCheck<MirrorHealthCheck>("mirror");
        if (!once)
        {
            services.AddHostedService<MirrorWorker>();
        }

        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        app.MapPost("/events", (HttpContext context, MirrorEventsEndpoint endpoint) => endpoint.HandlePostAsync(context));
        app.MapMethods("/events", ["OPTIONS"], (HttpContext context, MirrorEventsEndpoint endpoint) => endpoint.HandleOptionsAsync(context));
        return app;
    }
}
