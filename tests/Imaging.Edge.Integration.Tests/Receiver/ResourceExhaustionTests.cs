using System.Buffers.Binary;
using System.IO.Compression;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Network.Pdus;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Receiver;

/// <summary>
/// Peers on raw sockets that try to use up what the receiver has (association slots, connections, disk, CPU,
/// memory) rather than break its parsers. Each must be bounded, and a real storescu or echoscu still gets through.
/// </summary>
[Collection(RawSerialCollection.Name)]
public sealed class ResourceExhaustionTests
{
    private static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(8);

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
