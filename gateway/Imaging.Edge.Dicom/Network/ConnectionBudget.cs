using System.Net;

namespace Imaging.Edge.Dicom.Network;

/// <summary>
/// What the acceptor's connections may hold at once: connections per remote address, connections still waiting for
/// their A-ASSOCIATE-RQ (a budget of their own), and association slots. A connection takes an association slot only
/// once its request is accepted, so connections that never associate (port scans, stalled or trickling peers) cannot
/// lock modalities out. Thread-safe.
/// </summary>
internal sealed class ConnectionBudget(int maxAssociations, int maxPending, int maxPerAddress)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private int _pending;
    private int _associations;
    private int _connections;

    public int Associations => Volatile.Read(ref _associations);

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Admits a new connection from <paramref name="address"/>, or returns null and why not.</summary>
    public ConnectionLease? TryAdmit(IPAddress address, out string? refusal)
    {
        lock (_gate)
        {
            var fromAddress = _perAddress.GetValueOrDefault(address);
            if (fromAddress >= maxPerAddress)
            {
                refusal = $"{fromAddress} connections already open from this address (at most {maxPerAddress})";
                return null;
            }
            if (_pending >= maxPending)
            {
                refusal = $"{_pending} connections already waiting to associate (at most {maxPending})";
                return null;
            }
            _perAddress[address] = fromAddress + 1;
            _pending++;
            _connections++;
        }
        refusal = null;
        return new ConnectionLease(this, address);
    }

    /// <summary>Moves a connection out of the pending budget, into an association slot when one is free.</summary>
    private bool Promote()
    {
        lock (_gate)
        {
            _pending--;
            if (_associations >= maxAssociations) return false;
            _associations++;
            return true;
        }
    }

    private void Release(IPAddress address, bool pending, bool associated)
    {
        lock (_gate)
        {
            if (pending) _pending--;
            if (associated) _associations--;
            _connections--;
            var left = _perAddress[address] - 1;
            if (left == 0) _perAddress.Remove(address);
            else _perAddress[address] = left;
        }
    }

    /// <summary>One admitted connection's share of the budget; disposed when the connection ends. Not thread-safe.</summary>
    public sealed class ConnectionLease(ConnectionBudget budget, IPAddress address) : IDisposable
    {
        private bool _pending = true;
        private bool _associated;
        private bool _released;

        /// <summary>
        /// The connection's A-ASSOCIATE-RQ is acceptable: it leaves the pending budget and takes an association slot
        /// if one is free (false: the association is to be rejected, local limit exceeded). Called once.
        /// </summary>
        public bool TryTakeAssociationSlot()
        {
            if (!_pending) throw new InvalidOperationException("the association slot was already asked for");
            _pending = false;
            _associated = budget.Promote();
            return _associated;
        }

        public void Dispose()
        {
            if (_released) return;
            _released = true;
            budget.Release(address, _pending, _associated);
        }
    }
}
