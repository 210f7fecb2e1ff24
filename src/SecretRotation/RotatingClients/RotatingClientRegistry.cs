using System.Collections.Concurrent;

namespace SecretRotation.RotatingClients;

/// <summary>The rotating clients built in one service provider, for health checks.</summary>
internal sealed class RotatingClientRegistry : IRotatingClientHealth
{
    private readonly ConcurrentDictionary<IRotatingClientState, byte> _clients = new(ReferenceEqualityComparer.Instance);

    public void Add(IRotatingClientState client) => _clients.TryAdd(client, 0);

    public void Remove(IRotatingClientState client) => _clients.TryRemove(client, out _);

    public IReadOnlyList<RotatingClientStatus> GetStatuses() =>
        _clients.Keys.Select(client => client.Status)
            .OrderBy(status => status.ClientType, StringComparer.Ordinal)
            .ThenBy(status => status.Section, StringComparer.OrdinalIgnoreCase)
            .ToArray();

    public override string ToString() => $"RotatingClientRegistry ({_clients.Count} clients)";
}
