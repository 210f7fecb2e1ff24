using Microsoft.Extensions.Configuration;
using SecretRotation.Testing;
using SecretRotation.TestSupport;

namespace SecretRotation.ZeroDowntime.Tests.Postgres.Patterns;

/// <summary>
/// A single user whose password changes in place: <c>ALTER ROLE ... PASSWORD</c>, then a kubelet-style swap of the mounted
/// secret (<see cref="KubernetesVolumeWriter"/>, <c>AddMountedSecrets</c>). The warm pool needs no new login between the
/// two; once the app moved, the sessions opened with the old password must be gone, and any left are terminated.
/// </summary>
public sealed class VolumePattern : IRotationPattern
{
    private readonly TemporaryDirectory _mount;
    private readonly KubernetesVolumeWriter _kubelet;
    private readonly string _user;
    private long _generation;

    private VolumePattern(TemporaryDirectory mount, KubernetesVolumeWriter kubelet, string user, RotationScenario scenario)
    {
        _mount = mount;
        _kubelet = kubelet;
        _user = user;
        Scenario = scenario;
    }

    public string Name => "volume (ALTER ROLE, then kubelet swap)";

    public RotationScenario Scenario { get; }

    public static async Task<VolumePattern> StartAsync(PostgresServer server, string user, CancellationToken cancellationToken)
    {
        var password = RotationScenario.NewPassword();
        await server.ExecuteAsync($"create role {user} login password '{password}'", cancellationToken);
        var mount = new TemporaryDirectory();
        var kubelet = new KubernetesVolumeWriter(mount.Path);
        kubelet.Write(Secret(user, password));
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Db:ConnectionString"] = RotationScenario.ConnectionString(server) })
            .AddMountedSecrets(mount.Path)
            .Build();
        var pattern = new VolumePattern(mount, kubelet, user, RotationScenario.Start(server, configuration, cancellationToken));
        pattern._generation = await pattern.Scenario.WaitForSwitchAsync(0, "start-up");
        return pattern;
    }

    public async Task RotateAsync(int rotation, CancellationToken cancellationToken)
    {
        var next = RotationScenario.NewPassword();
        var alteredAt = await Scenario.ExecuteAtAsync($"alter role {_user} password '{next}'");
        _kubelet.Write(Secret(_user, next));
        _generation = await Scenario.WaitForSwitchAsync(_generation, $"rotation {rotation}");
        await Scenario.WaitForSessionsGoneAsync(_user, alteredAt, $"rotation {rotation}'s ALTER ROLE");
        var revokedAt = await Scenario.ExecuteAtAsync(
            $"select pg_terminate_backend(pid) from pg_stat_activity where usename = '{_user}' and backend_start < '{RotationScenario.Sql(alteredAt)}'");
        Scenario.Revoked(new Revocation(_user, alteredAt, revokedAt));
    }

    public async ValueTask DisposeAsync()
    {
        await Scenario.DisposeAsync();
        _mount.Dispose();
    }

    private static Dictionary<string, string> Secret(string user, string password) => new()
    {
        ["Db__User"] = user,
        ["Db__Password"] = password,
    };
}
