using System.Net;

namespace Imaging.Edge.Dicom.Network;

/// <summary>What the association acceptor needs to know; the gateway builds it from its configuration.</summary>
public sealed record DicomServerOptions
{
    public required string AeTitle { get; init; }
    public IPAddress BindAddress { get; init; } = IPAddress.Any;
    public int Port { get; init; } = 11112;

    /// <summary>
    /// A socket already bound and listening, handed over by whoever started us (systemd socket activation): accepted on
    /// instead of binding <see cref="BindAddress"/>:<see cref="Port"/>. The server owns it from then on.
    /// </summary>
    public System.Net.Sockets.Socket? Listener { get; init; }

    /// <summary>False: no plain listener (<see cref="Port"/> and <see cref="Listener"/> unused); only <see cref="Tls"/> is served.</summary>
    public bool ServePlain { get; init; } = true;

    /// <summary>
    /// A TLS listener on <see cref="ServerTls.Port"/> beside the plain one (PS3.15 Annex B). Both share the association
    /// and connection limits below.
    /// </summary>
    public Tls.ServerTls? Tls { get; init; }

    /// <summary>
    /// Associations served at once; one more is rejected as transient, local limit exceeded (PS3.8 §9.3.4). A
    /// connection takes a slot only once its A-ASSOCIATE-RQ is accepted, not when it connects.
    /// </summary>
    public int MaxAssociations { get; init; } = 32;

    /// <summary>Connections open at once from one remote address, associated or not; one more is closed at once.</summary>
    public int MaxConnectionsPerAddress { get; init; } = 8;

    /// <summary>
    /// Connections that have not yet sent an A-ASSOCIATE-RQ (each closed by ARTIM at the latest): a budget of their own,
    /// larger than <see cref="MaxAssociations"/> so that they cannot crowd out associations, but bounded.
    /// </summary>
    public int MaxPendingConnections => 2 * MaxAssociations + 16;

    /// <summary>
    /// Slowest pace accepted while a message is arriving: a peer may pause up to <see cref="DimseTimeout"/> in all, but
    /// must make up for it, so that a trickle of bytes cannot hold an association forever.
    /// </summary>
    public int MinimumBytesPerSecond { get; init; } = 1024;

    /// <summary>Largest P-DATA-TF PDU we accept; advertised in the A-ASSOCIATE-AC maximum length sub-item.</summary>
    public uint MaxPduLength { get; init; } = 256 * 1024;

    /// <summary>When false, only callers listed in <see cref="KnownCallers"/> may associate.</summary>
    public bool AllowUnknownCallers { get; init; } = true;

    public IReadOnlyList<KnownCaller> KnownCallers { get; init; } = [];

    /// <summary>Private or not-yet-listed storage SOP classes accepted beside PS3.4 Annex B.</summary>
    public IReadOnlySet<string> ExtraSopClasses { get; init; } = new HashSet<string>();

    /// <summary>Largest data set accepted, in bytes; one larger is refused with 0xA700 as it arrives. 0: no limit.</summary>
    public long MaxInstanceBytes { get; init; }

    /// <summary>ARTIM (PS3.8 §9.1.5): how long a connection may take to send its A-ASSOCIATE-RQ.</summary>
    public TimeSpan ArtimTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an established association may stay silent before it is aborted (see <see cref="MinimumBytesPerSecond"/>).</summary>
    public TimeSpan DimseTimeout { get; init; } = TimeSpan.FromSeconds(120);
}

/// <summary>A device allowed to associate: its AE title and, optionally, the address it must come from.</summary>
public sealed record KnownCaller(string AeTitle, IPAddress? Host);
