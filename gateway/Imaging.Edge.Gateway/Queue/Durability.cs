namespace Imaging.Edge.Gateway.Queue;

/// <summary>
/// How durable a write to queue.db is when it returns. Everything an acknowledgement or an operator relies on is
/// <see cref="Full"/>. Upload bookkeeping — leases, postponements, checkpoints, "uploaded" — is <see cref="Normal"/>:
/// lost in a power cut, it only means an instance is uploaded again (recovery releases every lease anyway), and it
/// becomes durable with the next FULL commit. That saves two fsyncs per uploaded instance.
/// </summary>
internal enum Durability
{
    /// <summary><c>synchronous=NORMAL</c>: committed, on disk at the next FULL commit or checkpoint.</summary>
    Normal,

    /// <summary><c>synchronous=FULL</c>: on disk when the commit returns.</summary>
    Full,
}
