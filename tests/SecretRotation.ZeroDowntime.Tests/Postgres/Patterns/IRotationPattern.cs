namespace SecretRotation.ZeroDowntime.Tests.Postgres.Patterns;

/// <summary>
/// One way credentials rotate (volume, two users, Vault dynamic credentials), with the app already running under load in
/// <see cref="Scenario"/>: each <see cref="RotateAsync"/> rotates once, waits until the app switched and drained, and
/// revokes the old credential. Used by the tests and by the <c>rotation-under-load-postgres</c> benchmark.
/// </summary>
public interface IRotationPattern : IAsyncDisposable
{
    string Name { get; }

    RotationScenario Scenario { get; }

    Task RotateAsync(int rotation, CancellationToken cancellationToken);
}
