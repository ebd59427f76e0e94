using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Network.Pdus;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Receiver;

/// <summary>
/// Peers on raw sockets that try to use up what the receiver has (association slots, connections, disk, CPU,
/// memory) rather than break its parsers. Each must be bounded, and a real storescu or echoscu still gets through.
/// </summary>
[Collection(RunAloneCollection.Name)]
public sealed class ResourceExhaustionTests
{
    private static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(8);

    private static readonly IPAddress Attacker = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task Connections_that_have_not_associated_take_no_association_slot()
    {
        // Twice MaxAssociations connections, each stuck in the middle of its A-ASSOCIATE-RQ (ARTIM 20 s): a modality
        // must still associate at once. They used to hold a slot each from accept.
        const int MaxAssociations = 2;
        await using var receiver = new ReceiverUnderTest(o => o with { MaxAssociations = MaxAssociations, ArtimTimeout = TimeSpan.FromSeconds(20) });
        var request = RawDicomConnection.Encode(RawDicomConnection.Request(RawDicomConnection.CtAndVerification()));
        var tricklers = new List<RawDicomConnection>();
        try
        {
            for (var i = 0; i < 2 * MaxAssociations; i++)
            {
                var raw = await RawDicomConnection.ConnectAsync(receiver.Port, Attacker);
                tricklers.Add(raw);
                Assert.True(await raw.SendAsync(request.AsMemory(0, 10)), "the trickler should be accepted");
            }
            Assert.True(await BadInputTests.Eventually(() => receiver.Server.OpenConnections == 2 * MaxAssociations), "the trickling connections should be open");

            await AssertStorescuSucceedsAsync(receiver);
            Assert.Equal(2 * MaxAssociations, receiver.Server.OpenConnections - receiver.Server.ActiveAssociations);
        }
        finally
        {
            foreach (var raw in tricklers) await raw.DisposeAsync();
        }
    }

    [Fact]
    public async Task Connections_beyond_the_cap_of_one_address_are_closed_at_once()
    {
        const int PerAddress = 3;
        await using var receiver = new ReceiverUnderTest(o => o with { MaxConnectionsPerAddress = PerAddress, ArtimTimeout = TimeSpan.FromSeconds(20) });
        var connections = new List<RawDicomConnection>();
        try
        {
            for (var i = 0; i < PerAddress; i++) connections.Add(await RawDicomConnection.ConnectAsync(receiver.Port, Attacker));
            Assert.True(await BadInputTests.Eventually(() => receiver.Server.OpenConnections == PerAddress), "the first connections should be open");
            await using var oneTooMany = await RawDicomConnection.ConnectAsync(receiver.Port, Attacker);

            var outcome = await oneTooMany.WaitForEndAsync(TimeSpan.FromSeconds(5));
            var first = await connections[0].WaitForEndAsync(TimeSpan.FromMilliseconds(300));

            Assert.True(outcome.Closed && outcome.Elapsed < TimeSpan.FromSeconds(2), $"connection {PerAddress + 1} from one address should be closed at once: {outcome}");
            Assert.True(first.TimedOut, $"the connections within the cap stay open until their ARTIM: {first}");
            await AssertStorescuSucceedsAsync(receiver); // from another address
        }
        finally
        {
            foreach (var raw in connections) await raw.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_flood_of_connections_that_never_associate_cannot_lock_a_modality_out()
    {
        // Three addresses, each within its cap, fill the pending budget (2 x 1 + 16 = 18 connections). The modality
        // that connects next gets in; the connection that waited longest makes room for it.
        await using var receiver = new ReceiverUnderTest(o => o with { MaxAssociations = 1, ArtimTimeout = TimeSpan.FromSeconds(20) });
        var pendingBudget = receiver.Options.MaxPendingConnections;
        var flood = new List<RawDicomConnection>();
        try
        {
            for (var i = 0; i < pendingBudget; i++)
                flood.Add(await RawDicomConnection.ConnectAsync(receiver.Port, IPAddress.Parse($"127.0.0.{2 + i % 3}")));
            Assert.True(await BadInputTests.Eventually(() => receiver.Server.OpenConnections == pendingBudget), "the flood should fill the pending budget");

            await AssertStorescuSucceedsAsync(receiver);

            var oldest = await flood[0].WaitForEndAsync(TimeSpan.FromSeconds(2));
            Assert.True(oldest.Closed, $"the connection waiting longest should have been closed to make room: {oldest}");
        }
        finally
        {
            foreach (var raw in flood) await raw.DisposeAsync();
        }
    }

    [Fact]
    public async Task Association_trickling_its_data_set_is_aborted_within_a_bound_and_its_slot_freed()
    {
        // One byte every 250 ms used to re-arm the DIMSE timer for ever. At 4 bytes/s, far below the minimum rate, the
        // association may stay only as long as a silent one (DimseTimeout, 2 s).
        var dimse = TimeSpan.FromSeconds(2);
        await using var receiver = new ReceiverUnderTest(o => o with { MaxAssociations = 1, DimseTimeout = dimse, MinimumBytesPerSecond = 1024 });
        var uid = RawDataSet.NewUid();
        var dataSet = RawDataSet.Instance(RawDicomConnection.CtImageStorage, uid, pixelBytes: 4096);
        await using var raw = await RawDicomConnection.AssociateCtAsync(receiver.Port);
        await raw.SendCommandAsync(1, BadInputTests.StoreCommand(uid));
        var data = RawDicomConnection.EncodePData(1, isCommand: false, isLast: true, dataSet);
        var clock = Stopwatch.StartNew();
        var closedAfter = TimeSpan.Zero;

        // Bounded: at most 48 bytes, 12 s; stop as soon as the server ends the association.
        for (var i = 0; i < 48 && closedAfter == TimeSpan.Zero; i++)
        {
            if (!await raw.SendAsync(data.AsMemory(i, 1))) closedAfter = clock.Elapsed;
            else if (!(await raw.WaitForEndAsync(TimeSpan.FromMilliseconds(250))).TimedOut) closedAfter = clock.Elapsed;
        }

        Assert.True(closedAfter != TimeSpan.Zero && closedAfter < dimse + TimeSpan.FromSeconds(3),
            $"an association trickling 4 bytes/s should be aborted about {dimse.TotalSeconds} s after it went below the minimum rate; closed after {closedAfter.TotalSeconds:F1} s (0 = never)");
        Assert.True(await BadInputTests.Eventually(() => receiver.Server.ActiveAssociations == 0), "its association slot should be free");
        Assert.True(await BadInputTests.Eventually(() => receiver.SpoolFiles().Count == 0), "its spool file should be removed");
        await AssertStorescuSucceedsAsync(receiver);
    }

    private static async Task AssertStorescuSucceedsAsync(ReceiverUnderTest receiver)
    {
        using var inputs = new TemporaryDirectory();
        var source = Assert.Single(FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Path, 1));
        var before = receiver.ReceivedFiles().Count;
        var result = await Dcmtk.StoreAsync(receiver, [source], ["-xe"], timeout: TimeSpan.FromSeconds(15));
        Assert.True(result.ExitCode == 0, $"storescu should get through: {result.Output}");
        Assert.Equal(before + 1, receiver.ReceivedFiles().Count);
    }

    [Fact]
    public async Task Instance_larger_than_a_configured_maximum_is_refused_as_it_arrives_and_the_association_stays_usable()
    {
        await using var receiver = new ReceiverUnderTest(o => o with { MaxInstanceBytes = 1024 * 1024 });
        var big = RawDataSet.NewUid();
        var small = RawDataSet.NewUid();
        await using var raw = await RawDicomConnection.AssociateCtAsync(receiver.Port);

        await raw.SendCommandAsync(1, BadInputTests.StoreCommand(big));
        await raw.SendDataSetAsync(1, RawDataSet.Instance(RawDicomConnection.CtImageStorage, big, pixelBytes: 3 * 1024 * 1024), fragment: 64 * 1024);
        var refused = await raw.ReadCommandAsync();
        await raw.SendCommandAsync(1, BadInputTests.StoreCommand(small, messageId: 2));
        await raw.SendDataSetAsync(1, RawDataSet.Instance(RawDicomConnection.CtImageStorage, small, pixelBytes: 1000));
        var stored = await raw.ReadCommandAsync();
        await raw.ReleaseAsync();

        Assert.Equal(DimseStatus.OutOfResources, refused.Status);
        Assert.Equal(DimseStatus.Success, stored.Status);
        Assert.Single(receiver.ReceivedFiles());
        Assert.Empty(receiver.SpoolFiles());
    }

    [Theory]
    [InlineData(PduType.PData)]
    [InlineData(PduType.ReleaseRequest)]
    [InlineData(PduType.AssociateAccept)]
    public async Task Any_pdu_but_an_association_request_before_acceptance_is_aborted_at_its_type_byte(PduType type)
    {
        // PS3.8 §9.2.3, Sta2: every PDU but A-ASSOCIATE-RQ (and A-ABORT) is answered by AA-1, an A-ABORT with source
        // "service user" and reason 0, and it must not be read: its header claims 200 000 bytes that never come.
        await using var receiver = new ReceiverUnderTest(o => o with { ArtimTimeout = TimeSpan.FromSeconds(5) });
        await using var raw = await RawDicomConnection.ConnectAsync(receiver.Port);
        var header = new byte[6 + 64];
        header[0] = (byte)type;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(2), 200_000);

        await raw.SendAsync(header);
        var outcome = await raw.WaitForEndAsync(AnswerLimit);

        var abort = Assert.IsType<AbortPdu>(outcome.Last);
        Assert.Equal(AbortSource.ServiceUser, abort.Source);
        Assert.Equal(AbortReason.NotSpecified, abort.Reason);
        Assert.True(outcome.Elapsed < TimeSpan.FromSeconds(2), $"a {type} before the association must be aborted at once, not after ARTIM (5 s): {outcome}");
        await BadInputTests.AssertServingAndCleanAsync(receiver);
    }

    [Fact]
    public async Task Deflate_bomb_is_refused_with_c000_and_leaves_nothing()
    {
        // 64 MiB of zeros in a private element before the Series Instance UID deflate to ~64 KB: inflating all of it
        // for every such instance would pin the CPU. The scanner gives up past its bound and the instance is refused.
        await using var receiver = new ReceiverUnderTest();
        var uid = RawDataSet.NewUid();
        var inflated = Concat(
            RawDataSet.Uid(0x0008, 0x0016, RawDicomConnection.CtImageStorage),
            RawDataSet.Uid(0x0008, 0x0018, uid),
            RawDataSet.Element(0x0009, 0x1001, "OB", new byte[64 * 1024 * 1024]),
            RawDataSet.Uid(0x0020, 0x000D, RawDataSet.NewUid()),
            RawDataSet.Uid(0x0020, 0x000E, RawDataSet.NewUid()));
        var deflated = Deflate(inflated);
        await using var raw = await AssociateDeflatedAsync(receiver.Port);

        await raw.SendCommandAsync(1, BadInputTests.StoreCommand(uid));
        await raw.SendDataSetAsync(1, deflated);
        var response = await raw.ReadCommandAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(DimseStatus.CannotUnderstand, response.Status);
        await raw.ReleaseAsync();
        await BadInputTests.AssertServingAndCleanAsync(receiver);
    }

    [Fact]
    public async Task Deflated_instance_is_stored_whole_although_it_is_inflated_only_up_to_its_attributes()
    {
        await using var receiver = new ReceiverUnderTest();
        var uid = RawDataSet.NewUid();
        var pixels = new byte[8 * 1024 * 1024];
        new Random(11).NextBytes(pixels.AsSpan(0, 4096));
        var deflated = Deflate(RawDataSet.Instance(RawDicomConnection.CtImageStorage, uid, pixelBytes: 0), RawDataSet.Element(0x7FE0, 0x0010, "OB", pixels));
        await using var raw = await AssociateDeflatedAsync(receiver.Port);

        await raw.SendCommandAsync(1, BadInputTests.StoreCommand(uid));
        await raw.SendDataSetAsync(1, deflated);
        var response = await raw.ReadCommandAsync(TimeSpan.FromSeconds(30));
        await raw.ReleaseAsync();

        Assert.Equal(DimseStatus.Success, response.Status);
        Assert.Equal(deflated, ReceiverUnderTest.DataSetBytes(receiver.ReceivedFile(uid)));
    }

    private static async Task<RawDicomConnection> AssociateDeflatedAsync(int port)
    {
        var connection = await RawDicomConnection.ConnectAsync(port);
        var answer = await connection.AssociateAsync(RawDicomConnection.Request([new(1, RawDicomConnection.CtImageStorage, [DeflatedExplicitVrLittleEndian])]));
        var accept = Assert.IsType<AssociateAcceptPdu>(answer);
        Assert.Equal(PresentationContextResultReason.Acceptance, Assert.Single(accept.PresentationContexts).Result);
        return connection;
    }

    private const string DeflatedExplicitVrLittleEndian = "1.2.840.10008.1.2.1.99";

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static byte[] Deflate(params byte[][] parts)
    {
        using var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            foreach (var part in parts) deflate.Write(part);
        }
        return compressed.ToArray();
    }
}
