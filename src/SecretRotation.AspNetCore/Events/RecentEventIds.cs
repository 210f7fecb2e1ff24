namespace SecretRotation.AspNetCore.Events;

/// <summary>
/// Ids of events already handled, so at-least-once redeliveries do nothing. Bounded: the oldest ids are forgotten first,
/// after which a redelivery costs at most one cheap refresh (the source ignores versions it has seen).
/// </summary>
internal sealed class RecentEventIds(int capacity = 10_000)
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _gate = new();

    public bool Contains(string id)
    {
        lock (_gate)
        {
            return _ids.Contains(id);
        }
    }

    public void Add(string id)
    {
        lock (_gate)
        {
            if (!_ids.Add(id))
            {
                return;
            }

            _order.Enqueue(id);
            if (_order.Count > capacity)
            {
                _ids.Remove(_order.Dequeue());
            }
        }
    }
}
