using System.Buffers.Binary;
using System.Diagnostics;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Dicom.Network.Pdus;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Receiver;

/// <summary>
/// Hostile and broken peers on raw sockets: each must end in an A-ABORT or a close within the server's timeouts,
/// leave nothing in studies/ or spool/, and leave the receiver serving (echoscu succeeds afterwards).
/// </summary>
[Collection(RunAloneCollection.Name)]
public sealed class BadInputTests
{
    private static readonly TimeSpan Artim = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Dimse = TimeSpan.FromSeconds(1);
    /// <summary>Time limit for the server's answer: its timeout plus generous slack for a loaded 2-core machine.</summary>
    private static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(8);

    private static ReceiverUnderTest NewReceiver() => new(o => o with { ArtimTimeout = Artim, DimseTimeout = Dimse });

    [Fact]
    public async Task Http_request_is_aborted_and_the_server_keeps_serving()
    {
        await using var receiver = NewReceiver();
        await using var raw = await RawDicomConnection.ConnectAsync(receiver.Port);
        await raw.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());

        var outcome = await raw.WaitForEndAsync(AnswerLimit);

        Assert.True(outcome.AbortedOrClosed, $"an HTTP request must be aborted or closed: {outcome}");
        if (outcome.Last is AbortPdu abort) Assert.Equal(AbortReason.UnrecognizedPdu, abort.Reason);
        await AssertServingAndCleanAsync(receiver);
    }

    [Fact]
    public async Task Random_bytes_are_aborted_and_the_server_keeps_serving()
    {
        await using var receiver = NewReceiver();
        await using var raw = await RawDicomConnection.ConnectAsync(receiver.Port);
        var garbage = new byte[64 * 1024];
        new Random(20261129).NextBytes(garbage);
        await raw.SendAsync(garbage); // may fail half way: the server is allowed to reset us

        var outcome = await raw.WaitForEndAsync(AnswerLimit);

        Assert.True(outcome.AbortedOrClosed, $"64 KiB of random bytes must be aborted or closed: {outcome}");
        await AssertServingAndCleanAsync(receiver);
    }

    [Fact]
    public async Task Pdu_header_claiming_4_GiB_is_aborted_without_allocating_it()
    {
        await using var receiver = NewReceiver();
        await using var raw = await RawDicomConnection.ConnectAsync(receiver.Port);
        var header = new byte[6];
        header[0] = (byte)PduType.AssociateRequest;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(2), 0xFFFFFFFF);
        var before = GC.GetTotalAllocatedBytes(precise: true);

        await raw.SendAsync(header);
        await raw.SendAsync(new byte[1024]); // a little body, as a real client would start sending
        var outcome = await raw.WaitForEndAsync(AnswerLimit);

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(outcome.AbortedOrClosed, $"a 0xFFFFFFFF PDU-length must be aborted or closed: {outcome}");
        var abort = Assert.IsType<AbortPdu>(outcome.Last);
        Assert.Equal(AbortReason.InvalidPduParameterValue, abort.Reason);
        Assert.True(outcome.Elapsed < TimeSpan.FromSeconds(1), $"an absurd length must be refused at once, not after a timeout: {outcome}");
        Assert.True(allocated < 16L * 1024 * 1024, $"the process allocated {allocated / 1024} KiB while refusing the PDU");
        await AssertServingAndCleanAsync(receiver);
    }

    [Fact]
    public async Task Truncated_association_request_then_close_ends_the_connection()
    {
        await using var receiver = NewReceiver();
        await using var raw = await RawDicomConnection.ConnectAsync(receiver.Port);
        var request = RawDicomConnection.Encode(RawDicomConnection.Request(RawDicomConnection.CtAndVerification()));

        await raw.SendAsync(request.AsMemory(0, request.Length / 2));
        raw.ShutdownSend();
        var outcome = await raw.WaitForEndAsync(AnswerLimit);

        Assert.True(outcome.AbortedOrClosed, $"a truncated A-ASSOCIATE-RQ followed by end of stream must end the connection: {outcome}");
        await AssertServingAndCleanAsync(receiver);
    }

    [Fact]
    public async Task Pdv_longer_than_its_pdu_is_aborted()
    {
        await using var receiver = NewReceiver();
        await using var raw = await RawDicomConnection.AssociateCtAsync(receiver.Port);
        // P-DATA-TF of 16 body bytes whose single PDV item claims 1000 bytes.
        var pdu = new byte[6 + 16];
        pdu[0] = (byte)PduType.PData;
        BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(2), 16);
        BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(6), 1000);
        pdu[10] = 1;    // presentation context id
        pdu[11] = 0x03; // command, last

        await raw.SendAsync(pdu);
        var outcome = await raw.WaitForEndAsync(AnswerLimit);

        var abort = Assert.IsType<AbortPdu>(outcome.Last);
        Assert.Equal(AbortSource.ServiceProvider, abort.Source);
        await AssertServingAndCleanAsync(receiver);
    }

    [Fact]
    public async Task Unknown_pdu_type_after_association_is_aborted()
    {
        await using var receiver = NewReceiver();
        await using var raw = await RawDicomConnection.AssociateCtAsync(receiver.Port);
        await raw.SendAsync(new byte[] { 0x09, 0, 0, 0, 0, 4, 0, 0, 0, 0 });

        var outcome = await raw.WaitForEndAsync(AnswerLimit);

        var abort = Assert.IsType<AbortPdu>(outcome.Last);
        Assert.Equal(AbortReason.UnrecognizedPdu, abort.Reason);
        await AssertServingAndCleanAsync(receiver);
    }

    [Fact]
    public async Task Pdv_on_a_presentation_context_that_was_not_accepted_is_aborted()
    {
        await using var receiver = NewReceiver();
        await using var raw = await RawDicomConnection.AssociateCtAsync(receiver.Port);
        var echo = new CommandSet { CommandField = CommandField.CEchoRequest, AffectedSopClassUid = "1.2.840.10008.1.1", MessageId = 1 };

        await raw.SendCommandAsync(7, echo); // only 1 and 3 were proposed
        var outcome = await raw.WaitForEndAsync(AnswerLimit);

        Assert.True(outcome.Last is AbortPdu, $"a PDV on context 7 must be aborted: {outcome}");
        await AssertServingAndCleanAsync(receiver);
    }

    [Fact]
    public async Task Silent_peer_is_closed_after_artim()
    {
        await using var receiver = NewReceiver();
        await using var raw = await RawDicomConnection.ConnectAsync(receiver.Port);

        var outcome = await raw.WaitForEndAsync(Artim + TimeSpan.FromSeconds(10));

        Assert.True(outcome.AbortedOrClosed, $"a connection that sends nothing must be closed after ARTIM: {outcome}");
        Assert.True(outcome.Elapsed < Artim + TimeSpan.FromSeconds(2), $"ARTIM is {Artim.TotalSeconds} s: {outcome}");
        Assert.True(outcome.Elapsed >= Artim - TimeSpan.FromMilliseconds(100), $"closed before ARTIM ran out: {outcome}");
        await AssertServingAndCleanAsync(receiver);
    }

    [Fact]
    public async Task Association_request_trickled_byte_by_byte_is_closed_after_artim()
    {
        // ARTIM (PS3.8 §9.1.5, and DicomServerOptions.ArtimTimeout: "how long a connection may take to send its
        // A-ASSOCIATE-RQ") bounds the whole request, not the gap between two bytes: otherwise a peer that sends one
        // byte a second holds a slot for as long as it likes (a 1 MiB request at 1 byte/s is 12 days).
        await using var receiver = NewReceiver();
        await using var raw = await RawDicomConnection.ConnectAsync(receiver.Port);
        var request = RawDicomConnection.Encode(RawDicomConnection.Request(RawDicomConnection.CtAndVerification()));
        var clock = Stopwatch.StartNew();
        var closedAfter = TimeSpan.Zero;

        // Bounded: at most ~6 s of trickling (ARTIM is 1 s), one byte every 400 ms; stop as soon as the server closes.
        for (var i = 0; i < 15 && i < request.Length; i++)
        {
            if (!await raw.SendAsync(request.AsMemory(i, 1))) { closedAfter = clock.Elapsed; break; }
            var outcome = await raw.WaitForEndAsync(TimeSpan.FromMilliseconds(400));
            if (!outcome.TimedOut) { closedAfter = clock.Elapsed; break; }
        }

        var active = receiver.Server.OpenConnections;
        Assert.True(closedAfter != TimeSpan.Zero && closedAfter < Artim + TimeSpan.FromSeconds(2),
            $"a peer trickling its A-ASSOCIATE-RQ must be closed once ARTIM ({Artim.TotalSeconds} s) has run out since the connection; " +
            $"closed after {closedAfter.TotalSeconds:F1} s (0 = never), test ran {clock.Elapsed.TotalSeconds:F1} s, server still serving {active} connection(s). Product bug: ServerAssociation.ResetTimeout re-arms the ARTIM timer on every read.");
        await AssertServingAndCleanAsync(receiver);
    }

    [Fact]
    public async Task Second_association_request_on_an_established_association_is_aborted()
    {
        await using var receiver = NewReceiver();
        await using var raw = await RawDicomConnection.AssociateCtAsync(receiver.Port);

        await raw.SendPduAsync(RawDicomConnection.Request(RawDicomConnection.CtAndVerification()));
        var outcome = await raw.WaitForEndAsync(AnswerLimit);

        var abort = Assert.IsType<AbortPdu>(outcome.Last);
        Assert.Equal(AbortReason.UnexpectedPdu, abort.Reason);
        await AssertServingAndCleanAsync(receiver);
    }

    [Fact]
    public async Task P_data_longer_than_the_advertised_maximum_is_aborted_at_its_header()
    {
        await using var receiver = NewReceiver();
        await using var raw = await RawDicomConnection.AssociateCtAsync(receiver.Port);
        var header = new byte[6];
        header[0] = (byte)PduType.PData;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(2), receiver.Options.MaxPduLength + 1);

        await raw.SendAsync(header);
        var outcome = await raw.WaitForEndAsync(AnswerLimit);

        var abort = Assert.IsType<AbortPdu>(outcome.Last);
        Assert.Equal(AbortReason.InvalidPduParameterValue, abort.Reason);
        Assert.True(outcome.Elapsed < TimeSpan.FromSeconds(1), $"must be refused at the header, not after a timeout: {outcome}");
        await AssertServingAndCleanAsync(receiver);
    }

    [Fact]
    public async Task Peer_closing_mid_data_set_leaves_no_file_and_the_spool_file_is_removed()
    {
        await using var receiver = NewReceiver();
        var uid = RawDataSet.NewUid();
        // Large enough that its first half outgrows what the intake keeps in memory and goes to a spool file.
        var dataSet = RawDataSet.Instance(RawDicomConnection.CtImageStorage, uid, pixelBytes: 800_000);
        await using (var raw = await RawDicomConnection.AssociateCtAsync(receiver.Port))
        {
            await raw.SendCommandAsync(1, StoreCommand(uid));
            await raw.SendDataSetAsync(1, dataSet.AsMemory(0, dataSet.Length / 2), last: false);
            Assert.True(await Eventually(() => receiver.SpoolFiles().Count == 1), "the half data set should be in a spool file");
        }

        Assert.True(await Eventually(() => receiver.SpoolFiles().Count == 0),
            $"the spool file of an unanswered instance must be removed when the peer goes away; left: {string.Join(", ", receiver.SpoolFiles())}");
        await AssertServingAndCleanAsync(receiver);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Abort_or_release_mid_data_set_leaves_no_file(bool abort)
    {
        await using var receiver = NewReceiver();
        var uid = RawDataSet.NewUid();
        // Large enough that its first half outgrows what the intake keeps in memory and goes to a spool file.
        var dataSet = RawDataSet.Instance(RawDicomConnection.CtImageStorage, uid, pixelBytes: 800_000);
        await using var raw = await RawDicomConnection.AssociateCtAsync(receiver.Port);
        await raw.SendCommandAsync(1, StoreCommand(uid));
        await raw.SendDataSetAsync(1, dataSet.AsMemory(0, dataSet.Length / 2), last: false);
        Assert.True(await Eventually(() => receiver.SpoolFiles().Count == 1), "the half data set should be in a spool file");

        if (abort)
        {
            await raw.SendPduAsync(new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified));
            var outcome = await raw.WaitForEndAsync(AnswerLimit);
            Assert.True(outcome.Closed, $"the server should close after the peer's A-ABORT: {outcome}");
        }
        else
        {
            await raw.ReleaseAsync();
        }

        Assert.True(await Eventually(() => receiver.SpoolFiles().Count == 0), "the spool file of the unanswered instance must be removed");
        await AssertServingAndCleanAsync(receiver);
    }

    [Fact]
    public async Task Peer_going_silent_mid_data_set_is_aborted_after_the_dimse_timeout_and_leaves_nothing()
    {
        await using var receiver = NewReceiver();
        var uid = RawDataSet.NewUid();
        var dataSet = RawDataSet.Instance(RawDicomConnection.CtImageStorage, uid, pixelBytes: 200_000);
        await using var raw = await RawDicomConnection.AssociateCtAsync(receiver.Port);
        await raw.SendCommandAsync(1, StoreCommand(uid));
        await raw.SendDataSetAsync(1, dataSet.AsMemory(0, dataSet.Length / 2), last: false);

        var outcome = await raw.WaitForEndAsync(AnswerLimit);

        Assert.True(outcome.AbortedOrClosed, $"a peer silent mid data set must be aborted after the DIMSE timeout: {outcome}");
        Assert.True(outcome.Elapsed < Dimse + TimeSpan.FromSeconds(3), $"DIMSE timeout is {Dimse.TotalSeconds} s: {outcome}");
        Assert.True(await Eventually(() => receiver.SpoolFiles().Count == 0), "the spool file must be removed after the abort");
        await AssertServingAndCleanAsync(receiver);
    }

    [Fact]
    public async Task Stalled_connection_does_not_block_a_storescu_transfer()
    {
        await using var receiver = new ReceiverUnderTest(o => o with { ArtimTimeout = TimeSpan.FromSeconds(20), DimseTimeout = Dimse });
        using var inputs = new TemporaryDirectory();
        var source = Assert.Single(FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Path, 1));
        await using var stalled = await RawDicomConnection.ConnectAsync(receiver.Port);
        Assert.True(await Eventually(() => receiver.Server.OpenConnections == 1), "the stalled connection should be accepted");

        var result = await Dcmtk.StoreAsync(receiver, [source], ["-xe"], timeout: TimeSpan.FromSeconds(15));

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Single(receiver.ReceivedFiles());
        Assert.Equal(1, receiver.Server.OpenConnections); // the stalled one is still waiting for its ARTIM
    }

    internal static CommandSet StoreCommand(string sopInstanceUid, ushort messageId = 1) => new()
    {
        CommandField = CommandField.CStoreRequest,
        AffectedSopClassUid = RawDicomConnection.CtImageStorage,
        AffectedSopInstanceUid = sopInstanceUid,
        MessageId = messageId,
        CommandDataSetType = 0,
    };

    /// <summary>echoscu still gets success, and no file was left in studies/ or spool/.</summary>
    internal static async Task AssertServingAndCleanAsync(ReceiverUnderTest receiver)
    {
        var echo = await Dcmtk.EchoAsync(receiver);
        Assert.True(echo.ExitCode == 0, $"the receiver stopped serving after a hostile peer: {echo.Output}");
        Assert.Empty(receiver.ReceivedFiles());
        Assert.True(await Eventually(() => receiver.SpoolFiles().Count == 0), $"spool not empty: {string.Join(", ", receiver.SpoolFiles())}");
    }

    /// <summary>Polls <paramref name="condition"/> for up to 5 s.</summary>
    internal static async Task<bool> Eventually(Func<bool> condition, int milliseconds = 5000)
    {
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < milliseconds)
        {
            if (condition()) return true;
            await Task.Delay(25);
        }
        return condition();
    }
}
