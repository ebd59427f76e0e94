using System.Net;
using System.Net.Sockets;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Dicom.Network.Pdus;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Imaging.Edge.Integration.Tests.Tls;

namespace Imaging.Edge.Integration.Tests.Receiver;

/// <summary>
/// One hostile host on the hospital LAN against <c>Dicom:MaxConnectionsPerAddress</c>, on the plain and the TLS port:
/// at its cap it gets nothing more, while real dcmtk peers from another loopback address (127.0.0.1; the attacker is
/// 127.0.0.2) store and get success; however its connections end, its slots come back.
/// </summary>
[Collection(RunAloneCollection.Name)]
public sealed class AddressCapTests : IDisposable
{
    private const int Cap = 3;
    private static readonly IPAddress Attacker = IPAddress.Parse("127.0.0.2");
    private readonly TestPki _pki = new();
    private readonly RecordedLog _log = new();

    public void Dispose() => _pki.Dispose();

    private ReceiverUnderTest Receiver(Func<DicomServerOptions, DicomServerOptions>? more = null) =>
        new(o =>
        {
            var options = o with
            {
                Tls = _pki.ServerSettings(requireClientCertificate: false),
                MaxAssociations = 8,
                MaxConnectionsPerAddress = Cap,
                ArtimTimeout = TimeSpan.FromSeconds(20),
            };
            return more is null ? options : more(options);
        }, loggerFactory: _log.Factory);

    [Fact]
    public async Task An_address_at_its_cap_gets_no_more_on_either_port_while_another_address_stores_and_its_slots_come_back_when_it_closes()
    {
        await using var receiver = Receiver();
        var tlsPort = receiver.Server.TlsLocalEndPoint.Port;
        var held = new List<RawDicomConnection>();
        try
        {
            // The cap, held idle: two associations on the plain port and one connection stalled before its TLS handshake.
            for (var i = 0; i < Cap - 1; i++) held.Add(await AssociateAsync(receiver.Port));
            held.Add(await RawDicomConnection.ConnectAsync(tlsPort, Attacker));
            Assert.True(await BadInputTests.Eventually(() => receiver.Server.OpenConnections == Cap && receiver.Server.ActiveAssociations == Cap - 1),
                "the attacker's connections should be open");

            await AssertClosedAtOnceAsync(receiver.Port);
            await AssertClosedAtOnceAsync(tlsPort);
            var line = await _log.WaitForAsync($"refused: {Cap} connections already open from this address (at most {Cap})");
            Assert.StartsWith("1011 ", line, StringComparison.Ordinal);

            using var inputs = new TemporaryDirectory();
            var plain = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Combine("plain"), 2);
            var overTls = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Combine("tls"), 2);
            var plainResult = await Dcmtk.StoreAsync(receiver, plain, ["-xe"], timeout: TimeSpan.FromSeconds(30));
            var tlsResult = await TlsDcmtk.StoreAsync(tlsPort, client: null, _pki.Ca.CertificateFile, overTls);
            Assert.True(plainResult.ExitCode == 0, "storescu from 127.0.0.1 should get through: " + plainResult.Output);
            Assert.True(tlsResult.ExitCode == 0, "storescu +tls from 127.0.0.1 should get through: " + tlsResult.Output);
            Assert.Equal(4, receiver.ReceivedFiles().Count);
            foreach (var connection in held)
                Assert.True((await connection.WaitForEndAsync(TimeSpan.FromMilliseconds(200))).TimedOut, "the connections within the cap stay open");
        }
        finally
        {
            await DisposeAllAsync(held);
        }

        Assert.True(await BadInputTests.Eventually(() => receiver.Server.OpenConnections == 0), "the attacker's slots should be free once it closed");
        await AssertAssociatesAgainAsync(receiver, Cap);
    }

    [Fact]
    public async Task An_ipv4_host_seen_as_ipv4_mapped_ipv6_on_a_dual_stack_listener_has_one_cap_across_both_ports()
    {
        // systemd's socket (imaging-edge.socket) is dual-stack: an IPv4 peer arrives as ::ffff:127.0.0.2 there and as
        // 127.0.0.2 on the TLS port we bind. One host must not get its cap once per listener.
        var dualStack = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        dualStack.Bind(new IPEndPoint(IPAddress.Parse("::ffff:127.0.0.1"), 0));
        dualStack.Listen(16);
        await using var receiver = Receiver(o => o with { Listener = dualStack });
        var held = new List<RawDicomConnection>();
        try
        {
            for (var i = 0; i < Cap; i++) held.Add(await RawDicomConnection.ConnectAsync(receiver.Port, Attacker));
            Assert.True(await BadInputTests.Eventually(() => receiver.Server.OpenConnections == Cap), "the attacker's connections should be open");

            await AssertClosedAtOnceAsync(receiver.Server.TlsLocalEndPoint.Port);
            await AssertClosedAtOnceAsync(receiver.Port);
        }
        finally
        {
            await DisposeAllAsync(held);
        }
    }

    [Fact]
    public async Task Slots_come_back_however_a_connection_ends()
    {
        const int Exits = 4;
        await using var receiver = Receiver(o => o with { MaxConnectionsPerAddress = Exits, ArtimTimeout = TimeSpan.FromSeconds(2) });
        var tlsPort = receiver.Server.TlsLocalEndPoint.Port;

        // 1. Reset by the peer in the middle of a data set (the intake has a spool file open).
        var reset = await AssociateAsync(receiver.Port);
        var uid = RawDataSet.NewUid();
        Assert.True(await reset.SendCommandAsync(1, BadInputTests.StoreCommand(uid)));
        // Large enough that its first half outgrows what the intake keeps in memory and goes to a spool file.
        var dataSet = RawDataSet.Instance(RawDicomConnection.CtImageStorage, uid, pixelBytes: 800_000);
        Assert.True(await reset.SendDataSetAsync(1, dataSet.AsMemory(0, dataSet.Length / 2), last: false));
        Assert.True(await BadInputTests.Eventually(() => receiver.SpoolFiles().Count == 1), "the half data set should be in a spool file");
        reset.Socket.LingerState = new LingerOption(true, 0);
        await reset.DisposeAsync();
        // 2. Not TLS on the TLS port: the handshake fails.
        await using var notTls = await RawDicomConnection.ConnectAsync(tlsPort, Attacker);
        Assert.True(await notTls.SendAsync("GET / HTTP/1.1\r\nHost: gateway\r\n\r\n"u8.ToArray()));
        // 3. A PDU type that does not exist, once associated: aborted as a protocol violation.
        await using var violation = await AssociateAsync(receiver.Port);
        Assert.True(await violation.SendAsync(new byte[] { 0x0A, 0, 0, 0, 0, 4, 1, 2, 3, 4 }));
        // 4. Silence: ARTIM closes it.
        await using var silent = await RawDicomConnection.ConnectAsync(receiver.Port, Attacker);

        foreach (var (name, connection) in new[] { ("not TLS", notTls), ("protocol violation", violation), ("silent", silent) })
        {
            var outcome = await connection.WaitForEndAsync(TimeSpan.FromSeconds(10));
            Assert.True(outcome.AbortedOrClosed, $"{name}: the server should end the connection: {outcome}");
        }
        Assert.True(await BadInputTests.Eventually(() => receiver.Server.OpenConnections == 0 && receiver.SpoolFiles().Count == 0),
            $"every slot should be free: {receiver.Server.OpenConnections} connections still counted");

        await AssertAssociatesAgainAsync(receiver, Exits);
    }

    /// <summary>The attacker's address has its whole cap again: <paramref name="cap"/> associations, all accepted.</summary>
    private static async Task AssertAssociatesAgainAsync(ReceiverUnderTest receiver, int cap)
    {
        var again = new List<RawDicomConnection>();
        try
        {
            for (var i = 0; i < cap; i++) again.Add(await AssociateAsync(receiver.Port));
            Assert.Equal(cap, receiver.Server.ActiveAssociations);
        }
        finally
        {
            await DisposeAllAsync(again);
        }
    }

    /// <summary>An association from the attacker's address, accepted, then left idle.</summary>
    private static async Task<RawDicomConnection> AssociateAsync(int port)
    {
        var connection = await RawDicomConnection.ConnectAsync(port, Attacker);
        var answer = await connection.AssociateAsync(RawDicomConnection.Request(RawDicomConnection.CtAndVerification(), callingAe: "ATTACKER"));
        Assert.IsType<AssociateAcceptPdu>(answer);
        return connection;
    }

    /// <summary>One more connection from the attacker is closed at once, without a word (nothing is allocated for it).</summary>
    private static async Task AssertClosedAtOnceAsync(int port)
    {
        await using var oneTooMany = await RawDicomConnection.ConnectAsync(port, Attacker);
        var outcome = await oneTooMany.WaitForEndAsync(TimeSpan.FromSeconds(5));
        Assert.True(outcome.Closed && outcome.Elapsed < TimeSpan.FromSeconds(2), $"a connection over the cap on port {port} should be closed at once: {outcome}");
    }

    private static async Task DisposeAllAsync(List<RawDicomConnection> connections)
    {
        foreach (var connection in connections) await connection.DisposeAsync();
    }
}
