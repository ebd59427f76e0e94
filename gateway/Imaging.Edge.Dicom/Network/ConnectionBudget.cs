using System.Net;

namespace Imaging.Edge.Dicom.Network;

/// <summary>
/// What the acceptor's connections may hold at once: connections per remote address, connections still waiting for
/// their A-ASSOCIATE-RQ (a budget of their own), and association slots. A connection takes an association slot only
/// once its request is accepted, so connections that never associate (port scans, stalled or trickling peers) cannot
/// lock modalities out. When the pending budget is full, the connection that has waited longest is closed to make
/// room: a real device sends its request within milliseconds of connecting, so it is the flood that loses, not the
/// modality that connects last. Thread-safe.
/// </summary>
internal sealed class ConnectionBudget(int maxAssociations, int maxPending, int maxPerAddress)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private readonly LinkedList<ConnectionLease> _pending = []; // oldest first
    private int _associations;
    private int _connections;

    public int Associations => Volatile.Read(ref _associations);

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>
    /// Admits a new connection from <paramref name="address"/>, or returns null and why not. <paramref name="evict"/>
    /// closes the connection when it has to make room for a newer one before it associated.
    /// </summary>
    public ConnectionLease? TryAdmit(IPAddress address, Action evict, out string? refusal)
    {
        // A dual-stack listener (systemd's socket) sees an IPv4 peer as ::ffff:a.b.c.d, an IPv4 one (the TLS port) as
        // a.b.c.d: one host, one count, or it gets its cap once per listener.
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        ConnectionLease? victim = null;
        ConnectionLease lease;
        lock (_gate)
        {
            var fromAddress = _perAddress.GetValueOrDefault(address);
            if (fromAddress >= maxPerAddress)
            {
                refusal = $"{fromAddress} connections already open from this address (at most {maxPerAddress})";
                return null;
            }
            if (_pending.Count >= maxPending)
            {
                victim = _pending.First!.Value;
                LeavePending(victim);
            }
            _perAddress[address] = fromAddress + 1;
            _connections++;
            lease = new ConnectionLease(this, address, evict);
            lease.Node = _pending.AddLast(lease);
        }
        victim?.Evict();
        refusal = null;
        return lease;
    }

    private void LeavePending(ConnectionLease lease)
    {
        if (lease.Node is { } node)
        {
            _pending.Remove(node);
            lease.Node = null;
        }
    }

    private bool TakeSlot(ConnectionLease lease)
    {
        lock (_gate)
        {
            if (lease.Node is null) return false; // evicted meanwhile, or asked twice
            LeavePending(lease);
            if (_associations >= maxAssociations) return false;
            _associations++;
            lease.Associated = true;
            return true;
        }
    }

    private void Release(ConnectionLease lease)
    {
        lock (_gate)
        {
            if (lease.Released) return;
            lease.Released = true;
            LeavePending(lease);
            if (lease.Associated) _associations--;
            _connections--;
            var left = _perAddress[lease.Address] - 1;
            if (left == 0) _perAddress.Remove(lease.Address);
            else _perAddress[lease.Address] = left;
        }
    }

    /// <summary>One admitted connection's share of the budget; disposed when the connection ends. State guarded by the budget's lock.</summary>
    public sealed class ConnectionLease(ConnectionBudget budget, IPAddress address, Action evict) : IDisposable
    {
        internal IPAddress Address { get; } = address;
        internal LinkedListNode<ConnectionLease>? Node { get; set; }
        internal bool Associated { get; set; }
        internal bool Released { get; set; }

        /// <summary>
        /// The connection's A-ASSOCIATE-RQ is acceptable: it leaves the pending budget and takes an association slot
        /// if one is free (false: the association is to be rejected, local limit exceeded).
        /// </summary>
        public bool TryTakeAssociationSlot() => budget.TakeSlot(this);

        internal void Evict() => evict();

        public void Dispose() => budget.Release(this);
    }
}
