using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecretRotation.Cli.Watch;
using SecretRotation.HashiCorpVault;
using SecretRotation.VaultMirror.Configuration;
using SecretRotation.VaultMirror.Mirroring;

namespace SecretRotation.Cli.Mirror;

/// <summary>
/// One pass of the Vault Mirror's <see cref="MirrorReconciler"/>, composed as the service composes it for <c>--once</c>
/// (<c>MirrorApplication.Build</c>) but without its web host: the CLI's Key Vault client, Vault handler and clock, and its
/// warnings and errors on standard error.
/// </summary>
internal static class MirrorOnce
{
    public static async Task<MirrorPassResult> RunAsync(
        MirrorOptions options, KeyVaultConnection connection, X509Certificate2Collection? trustedCertificates, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);

        using var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(new StandardErrorLoggerProvider(context.Error, LogLevel.Warning)));
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var client = new VaultClient(
            new VaultClientOptions
            {
                Address = options.VaultAddress,
                Namespace = options.VaultNamespace,
                Authentication = VaultAuthFactory.Create(options.Auth),
                CaCertificates = trustedCertificates,
                HttpMessageHandler = context.CreateVaultHandler?.Invoke(),
                TimeProvider = context.TimeProvider,
            },
            loggerFactory.CreateLogger<VaultClient>());
        using var reconciler = new MirrorReconciler(
            options,
            context.SecretClientFor(options.KeyVaultUri!, connection),
            client,
            new MirrorMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            new MirrorStatus(),
            context.TimeProvider,
            loggerFactory.CreateLogger<MirrorReconciler>());
        return await reconciler.ReconcileAllAsync(cancellationToken);
    }
}
