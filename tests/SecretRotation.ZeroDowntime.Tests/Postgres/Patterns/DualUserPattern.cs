using Microsoft.Extensions.Configuration;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.ZeroDowntime.Tests.Postgres.Patterns;

/// <summary>
/// Two users, A and B (the dual-credential pattern): the Key Vault emulator, read through the real <c>SecretClient</c> over
/// HTTPS (<c>AddAzureKeyVaultSecrets</c>), holds the active user and its password. Each rotation gives the idle user a new
/// password, switches the vault to it (the app is told at once, as Event Grid push would), and once the app moved and the
/// old user's sessions drained (the grace window), changes the old user's password and terminates its sessions.
/// </summary>
public sealed class DualUserPattern : IRotationPattern
{
    private readonly KeyVaultEmulator _vault;
    private readonly ISecretRefresher _refresher;
    private string _active;
    private string _idle;
    private long _generation;

    private DualUserPattern(KeyVaultEmulator vault, ISecretRefresher refresher, string active, string idle, RotationScenario scenario)
    {
        _vault = vault;
        _refresher = refresher;
        _active = active;
        _idle = idle;
        Scenario = scenario;
    }

    public string Name => "two users A/B (Key Vault)";

    public RotationScenario Scenario { get; }

    public static async Task<DualUserPattern> StartAsync(PostgresServer server, string userA, string userB, CancellationToken cancellationToken)
    {
        var password = RotationScenario.NewPassword();
        await server.ExecuteAsync(
            $"create role {userA} login password '{password}'; create role {userB} login password '{RotationScenario.NewPassword()}'", cancellationToken);
        var vault = await KeyVaultEmulator.StartAsync(cancellationToken: cancellationToken);
        vault.SetSecret("Db--User", userA);
        vault.SetSecret("Db--Password", password);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Db:ConnectionString"] = RotationScenario.ConnectionString(server) })
            .AddAzureKeyVaultSecrets(vault.CreateClient(TestSecretClientOptions.ZeroDelayRetries()), source =>
            {
                // Named secrets are fetched at every read. A whole-vault read finds changes by the listing's `updated`, which
                // has whole seconds: rotations here come a few tenths of a second apart, far faster than any real one.
                source.SecretNames = ["Db--User", "Db--Password"];
                source.PollInterval = TimeSpan.FromHours(1);
            })
            .Build();
        var pattern = new DualUserPattern(
            vault, configuration.GetSecretRefreshers().Single(), userA, userB, RotationScenario.Start(server, configuration, cancellationToken));
        pattern._generation = await pattern.Scenario.WaitForSwitchAsync(0, "start-up");
        return pattern;
    }

    public async Task RotateAsync(int rotation, CancellationToken cancellationToken)
    {
        var next = RotationScenario.NewPassword();
        await Scenario.ExecuteAtAsync($"alter role {_idle} password '{next}'");
        _vault.SetSecret("Db--Password", next);
        _vault.SetSecret("Db--User", _idle);
        await _refresher.RefreshAsync(cancellationToken);
        _generation = await Scenario.WaitForSwitchAsync(_generation, $"rotation {rotation} (to {_idle})");
        await Scenario.WaitForSessionsGoneAsync(_active, DateTime.UtcNow.AddYears(1), $"rotation {rotation} (from {_active})");
        var revokedAt = await Scenario.ExecuteAtAsync(
            $"alter role {_active} password '{RotationScenario.NewPassword()}'; select pg_terminate_backend(pid) from pg_stat_activity where usename = '{_active}'");
        Scenario.Revoked(new Revocation(_active, revokedAt, revokedAt));
        (_active, _idle) = (_idle, _active);
    }

    public async ValueTask DisposeAsync()
    {
        await Scenario.DisposeAsync();
        await _vault.DisposeAsync();
    }
}
