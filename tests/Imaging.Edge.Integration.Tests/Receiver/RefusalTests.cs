using System.Net;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Dicom.Network.Pdus;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Receiver;

/// <summary>
/// What the receiver refuses, and exactly how: association rejections (checked with dcmtk and with our
/// <see cref="ClientAssociation"/>), presentation-context results, and DIMSE failure statuses.
/// </summary>
public sealed class RefusalTests
{
    private static DicomClientOptions Client(ReceiverUnderTest receiver, string callingAe = "OURSCU", string? calledAe = null) => new()
    {
        Host = "127.0.0.1",
        Port = receiver.Port,
        CallingAeTitle = callingAe,
        CalledAeTitle = calledAe ?? ReceiverUnderTest.AeTitle,
        ResponseTimeout = TimeSpan.FromSeconds(15),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    private static readonly PresentationContextProposal[] VerificationOnly =
        [new(1, WellKnownUids.Verification, [RawDicomConnection.ExplicitVrLittleEndian, RawDicomConnection.ImplicitVrLittleEndian])];

    private static async Task<AssociateRejectPdu> RejectionOf(DicomClientOptions options)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var e = await Assert.ThrowsAsync<AssociationRejectedException>(async () =>
        {
            await using var association = await ClientAssociation.ConnectAsync(options, VerificationOnly, cts.Token);
        });
        return e.Reject;
    }

    private static async Task<ushort> EchoWith(DicomClientOptions options)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var association = await ClientAssociation.ConnectAsync(options, VerificationOnly, cts.Token);
        var status = await association.EchoAsync(cts.Token);
        await association.ReleaseAsync(cts.Token);
        return status;
    }

    private static void AssertRejectedOutput(ProcessResult result, params string[] expected)
    {
        Assert.True(result.ExitCode != 0, $"dcmtk should fail on a rejection: {result.Output}");
        foreach (var text in expected)
            Assert.True(result.Output.Contains(text, StringComparison.OrdinalIgnoreCase), $"expected \"{text}\" in dcmtk's output: {result.Output}");
    }

    // ---- association rejections ----

    [Fact]
    public async Task Wrong_called_ae_title_is_rejected_permanently_by_the_service_user_reason_7()
    {
        await using var receiver = new ReceiverUnderTest();

        var echoscu = await Dcmtk.EchoAsync(receiver, calledAe: "NOT_THE_GATEWAY");
        var reject = await RejectionOf(Client(receiver, calledAe: "NOT_THE_GATEWAY"));

        AssertRejectedOutput(echoscu, "Rejected Permanent", "Called AE Title Not Recognized");
        Assert.Equal(new AssociateRejectPdu(RejectResult.Permanent, RejectSource.ServiceUser, 7), reject);
    }

    [Fact]
    public async Task Unknown_calling_ae_is_rejected_reason_3_while_a_known_caller_is_accepted()
    {
        await using var receiver = new ReceiverUnderTest(o => o with { AllowUnknownCallers = false, KnownCallers = [new KnownCaller("MODALITY1", null)] });

        var stranger = await Dcmtk.EchoAsync(receiver, callingAe: "STRANGER");
        var strangerReject = await RejectionOf(Client(receiver, callingAe: "STRANGER"));
        var known = await Dcmtk.EchoAsync(receiver, callingAe: "MODALITY1");
        var knownStatus = await EchoWith(Client(receiver, callingAe: "MODALITY1"));

        AssertRejectedOutput(stranger, "Rejected Permanent", "Calling AE Title Not Recognized");
        Assert.Equal(new AssociateRejectPdu(RejectResult.Permanent, RejectSource.ServiceUser, 3), strangerReject);
        Assert.True(known.ExitCode == 0, known.Output);
        Assert.Equal(DimseStatus.Success, knownStatus);
    }

    [Fact]
    public async Task Known_caller_from_the_wrong_host_is_rejected()
    {
        await using var receiver = new ReceiverUnderTest(o => o with
        {
            AllowUnknownCallers = false,
            KnownCallers = [new KnownCaller("MODALITY1", IPAddress.Parse("127.0.0.2")), new KnownCaller("MODALITY2", IPAddress.Loopback)],
        });

        var wrongHost = await Dcmtk.EchoAsync(receiver, callingAe: "MODALITY1");
        var wrongHostReject = await RejectionOf(Client(receiver, callingAe: "MODALITY1"));
        var rightHost = await EchoWith(Client(receiver, callingAe: "MODALITY2"));

        AssertRejectedOutput(wrongHost, "Calling AE Title Not Recognized");
        Assert.Equal(new AssociateRejectPdu(RejectResult.Permanent, RejectSource.ServiceUser, 3), wrongHostReject);
        Assert.Equal(DimseStatus.Success, rightHost);
    }

    [Fact]
    public async Task Unknown_application_context_is_rejected_reason_2()
    {
        await using var receiver = new ReceiverUnderTest();
        await using var raw = await RawDicomConnection.ConnectAsync(receiver.Port);

        var answer = await raw.AssociateAsync(RawDicomConnection.Request(RawDicomConnection.CtAndVerification(), applicationContext: "1.2.3.4.5.6.7"));

        Assert.Equal(new AssociateRejectPdu(RejectResult.Permanent, RejectSource.ServiceUser, 2), answer);
    }

    [Fact]
    public async Task Association_beyond_the_limit_is_rejected_transiently_and_accepted_once_one_is_released()
    {
        await using var receiver = new ReceiverUnderTest(o => o with { MaxAssociations = 1 });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var first = await ClientAssociation.ConnectAsync(Client(receiver, callingAe: "FIRST"), VerificationOnly, cts.Token);
        try
        {
            var secondReject = await RejectionOf(Client(receiver, callingAe: "SECOND"));
            var echoscu = await Dcmtk.EchoAsync(receiver);

            Assert.Equal(new AssociateRejectPdu(RejectResult.Transient, RejectSource.ServiceProviderPresentation, 2), secondReject);
            AssertRejectedOutput(echoscu, "Rejected Transient", "Local Limit Exceeded");
            Assert.Equal(DimseStatus.Success, await first.EchoAsync(cts.Token)); // the first is unaffected
            await first.ReleaseAsync(cts.Token);
        }
        finally
        {
            await first.DisposeAsync();
        }

        Assert.True(await BadInputTests.Eventually(() => receiver.Server.ActiveAssociations == 0), "the released association should end");
        Assert.Equal(DimseStatus.Success, await EchoWith(Client(receiver, callingAe: "THIRD")));
        var after = await Dcmtk.EchoAsync(receiver);
        Assert.True(after.ExitCode == 0, after.Output);
    }

    // ---- presentation contexts and user information ----

    [Fact]
    public async Task Presentation_contexts_are_answered_one_by_one_with_role_selection_and_max_pdu_length()
    {
        const uint maxPdu = 48 * 1024;
        await using var receiver = new ReceiverUnderTest(o => o with { MaxPduLength = maxPdu });
        await using var raw = await RawDicomConnection.ConnectAsync(receiver.Port);
        var request = RawDicomConnection.Request(
        [
            new(1, "1.2.3.4", [RawDicomConnection.ExplicitVrLittleEndian]),
            new(3, RawDicomConnection.CtImageStorage, [RawDicomConnection.ExplicitVrLittleEndian]),
            new(5, RawDicomConnection.MrImageStorage, ["1.2.3.4.5"]),
        ], roles: [new RoleSelection(RawDicomConnection.CtImageStorage, ScuRole: true, ScpRole: true)]);

        var accept = Assert.IsType<AssociateAcceptPdu>(await raw.AssociateAsync(request));

        var results = accept.PresentationContexts.ToDictionary(c => c.Id);
        Assert.Equal(3, results.Count);
        Assert.Equal(PresentationContextResultReason.AbstractSyntaxNotSupported, results[1].Result);
        Assert.Equal(PresentationContextResultReason.Acceptance, results[3].Result);
        Assert.Equal(RawDicomConnection.ExplicitVrLittleEndian, results[3].TransferSyntax);
        Assert.Equal(PresentationContextResultReason.TransferSyntaxesNotSupported, results[5].Result);
        var role = Assert.Single(accept.UserInformation.RoleSelections);
        Assert.Equal(new RoleSelection(RawDicomConnection.CtImageStorage, ScuRole: true, ScpRole: false), role);
        Assert.Equal(maxPdu, accept.UserInformation.MaxPduLength);
        await raw.ReleaseAsync();
    }

    [Fact]
    public async Task Our_client_sees_only_the_accepted_context()
    {
        await using var receiver = new ReceiverUnderTest();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var association = await ClientAssociation.ConnectAsync(Client(receiver),
        [
            new(1, "1.2.3.4", [RawDicomConnection.ExplicitVrLittleEndian]),
            new(3, RawDicomConnection.CtImageStorage, [RawDicomConnection.ExplicitVrLittleEndian]),
            new(5, RawDicomConnection.CtImageStorage, ["1.2.3.4.5"]),
        ], cts.Token);

        var context = Assert.Single(association.AcceptedContexts);
        Assert.Equal((byte)3, context.Id);
        await association.ReleaseAsync(cts.Token);
    }

    // ---- DIMSE refusals ----

    [Fact]
    public async Task C_find_is_answered_unrecognized_operation_and_the_association_stays_usable()
    {
        await using var receiver = new ReceiverUnderTest();
        await using var raw = await RawDicomConnection.AssociateCtAsync(receiver.Port);
        var find = new CommandSet
        {
            CommandField = CommandField.CFindRequest,
            AffectedSopClassUid = "1.2.840.10008.5.1.4.1.2.1.1",
            MessageId = 7,
            CommandDataSetType = 0,
        };
        byte[] identifier = [.. RawDataSet.Text(0x0008, 0x0052, "CS", "PATIENT"), .. RawDataSet.Text(0x0010, 0x0020, "LO", "")];

        await raw.SendCommandAsync(1, find);
        await raw.SendDataSetAsync(1, identifier);
        var response = await raw.ReadCommandAsync();
        await raw.SendCommandAsync(3, new CommandSet { CommandField = CommandField.CEchoRequest, AffectedSopClassUid = WellKnownUids.Verification, MessageId = 8 });
        var echo = await raw.ReadCommandAsync();

        Assert.Equal((CommandField)0x8020, response.CommandField);
        Assert.Equal((ushort)7, response.MessageIdBeingRespondedTo);
        Assert.Equal(DimseStatus.UnrecognizedOperation, response.Status);
        Assert.Equal(CommandField.CEchoResponse, echo.CommandField);
        Assert.Equal(DimseStatus.Success, echo.Status);
        await raw.ReleaseAsync();
        Assert.Empty(receiver.ReceivedFiles());
    }

    [Fact]
    public async Task Store_whose_data_set_names_another_instance_is_refused_mistyped_argument()
    {
        await using var receiver = new ReceiverUnderTest();
        var commandUid = RawDataSet.NewUid();
        var dataSet = RawDataSet.Instance(RawDicomConnection.CtImageStorage, RawDataSet.NewUid(), pixelBytes: 4096);

        var status = await StoreRawAsync(receiver, commandUid, dataSet);

        Assert.Equal(DimseStatus.MistypedArgument, status);
        await AssertNothingStoredAsync(receiver);
    }

    [Fact]
    public async Task Store_whose_data_set_is_of_another_sop_class_is_refused_a900()
    {
        await using var receiver = new ReceiverUnderTest();
        var uid = RawDataSet.NewUid();
        var dataSet = RawDataSet.Instance(RawDicomConnection.MrImageStorage, uid, pixelBytes: 4096);

        var status = await StoreRawAsync(receiver, uid, dataSet);

        Assert.Equal(DimseStatus.DataSetDoesNotMatchSopClass, status);
        await AssertNothingStoredAsync(receiver);
    }

    [Fact]
    public async Task Store_of_a_garbage_data_set_is_refused_cannot_understand()
    {
        await using var receiver = new ReceiverUnderTest();
        var garbage = new byte[8192];
        new Random(7).NextBytes(garbage);

        var status = await StoreRawAsync(receiver, RawDataSet.NewUid(), garbage);

        Assert.True(status == DimseStatus.CannotUnderstand,
            $"random bytes as an explicit VR LE data set should be answered 0xC000 (cannot understand), got 0x{status:X4}. " +
            "Known product bug if 0xA900: DataSetParser.OnHeader stops at the first top-level tag above (0020,000E) before checking " +
            "its VR, so garbage whose first 'tag' is high scans as an empty data set, and ServerAssociation.FinishAsync then " +
            "compares a null SOP Class UID with the command's and answers 0xA900.");
        await AssertNothingStoredAsync(receiver);
    }

    [Fact]
    public async Task Store_of_a_data_set_with_a_nonsense_vr_is_refused_cannot_understand()
    {
        await using var receiver = new ReceiverUnderTest();
        var garbage = new byte[8192];
        new Random(8).NextBytes(garbage);
        byte[] header = [0x08, 0x00, 0x16, 0x00, (byte)'Z', (byte)'Z', 0x10, 0x00]; // (0008,0016) with VR "ZZ"
        header.CopyTo(garbage, 0);

        var status = await StoreRawAsync(receiver, RawDataSet.NewUid(), garbage);

        Assert.True(status == DimseStatus.CannotUnderstand, $"a nonsense VR should be answered 0xC000, got 0x{status:X4}");
        await AssertNothingStoredAsync(receiver);
    }

    [Theory]
    [InlineData((byte)1)] // the CT Image Storage context
    [InlineData((byte)3)] // the Verification context
    public async Task Store_of_a_sop_class_other_than_the_contexts_abstract_syntax_is_refused(byte contextId)
    {
        // PS3.7 §9.1.1 / PS3.8 §7.1.1.13: a DIMSE message is sent on a presentation context of its SOP class. An MR
        // instance on the CT (or Verification) context is a SOP class the acceptor never agreed to take.
        await using var receiver = new ReceiverUnderTest();
        var uid = RawDataSet.NewUid();
        var dataSet = RawDataSet.Instance(RawDicomConnection.MrImageStorage, uid, pixelBytes: 4096);
        await using var raw = await RawDicomConnection.AssociateCtAsync(receiver.Port);
        await raw.SendCommandAsync(contextId, new CommandSet
        {
            CommandField = CommandField.CStoreRequest,
            AffectedSopClassUid = RawDicomConnection.MrImageStorage,
            AffectedSopInstanceUid = uid,
            MessageId = 5,
            CommandDataSetType = 0,
        });
        await raw.SendDataSetAsync(contextId, dataSet);

        var response = await raw.ReadCommandAsync();

        Assert.True(response.Status != DimseStatus.Success,
            $"an MR Image Storage C-STORE on presentation context {contextId} (negotiated for another abstract syntax) was answered Success " +
            $"and stored ({receiver.ReceivedFiles().Count} file(s)). Product bug: ServerAssociation.BeginStoreAsync never compares " +
            "command.AffectedSopClassUid with context.AbstractSyntax; expected 0x0122 (SOP class not supported) and nothing stored.");
        Assert.Equal(DimseStatus.SopClassNotSupported, response.Status);
        await AssertNothingStoredAsync(receiver);
    }

    [Fact]
    public async Task Store_of_a_mismatching_part10_file_with_our_client_is_refused_and_the_association_goes_on()
    {
        await using var receiver = new ReceiverUnderTest();
        using var files = new TemporaryDirectory();
        var commandUid = RawDataSet.NewUid();
        var mismatched = RawDataSet.WritePart10(files.Combine("mismatch.dcm"), RawDicomConnection.CtImageStorage, commandUid,
            RawDataSet.Instance(RawDicomConnection.CtImageStorage, RawDataSet.NewUid(), pixelBytes: 4096));
        var goodUid = RawDataSet.NewUid();
        var good = RawDataSet.WritePart10(files.Combine("good.dcm"), RawDicomConnection.CtImageStorage, goodUid,
            RawDataSet.Instance(RawDicomConnection.CtImageStorage, goodUid, pixelBytes: 4096));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var association = await ClientAssociation.ConnectAsync(Client(receiver),
            [new(1, RawDicomConnection.CtImageStorage, [RawDicomConnection.ExplicitVrLittleEndian])], cts.Token);

        var refused = await association.StoreFileAsync(mismatched, null, cts.Token);
        var accepted = await association.StoreFileAsync(good, null, cts.Token);
        await association.ReleaseAsync(cts.Token);

        Assert.Equal(DimseStatus.MistypedArgument, refused);
        Assert.Equal(DimseStatus.Success, accepted);
        var received = Assert.Single(receiver.ReceivedFiles());
        Assert.Equal(goodUid + ".dcm", Path.GetFileName(received));
        Assert.Empty(receiver.SpoolFiles());
    }

    private static async Task<ushort> StoreRawAsync(ReceiverUnderTest receiver, string commandUid, byte[] dataSet)
    {
        await using var raw = await RawDicomConnection.AssociateCtAsync(receiver.Port);
        await raw.SendCommandAsync(1, new CommandSet
        {
            CommandField = CommandField.CStoreRequest,
            AffectedSopClassUid = RawDicomConnection.CtImageStorage,
            AffectedSopInstanceUid = commandUid,
            MessageId = 3,
            CommandDataSetType = 0,
        });
        Assert.True(await raw.SendDataSetAsync(1, dataSet, fragment: 1024), "the server closed the connection during the data set");
        var response = await raw.ReadCommandAsync();
        Assert.Equal(CommandField.CStoreResponse, response.CommandField);
        Assert.Equal((ushort)3, response.MessageIdBeingRespondedTo);
        Assert.Equal(commandUid, response.AffectedSopInstanceUid);
        await raw.ReleaseAsync(); // a refused instance must not end the association
        return response.Status ?? 0xFFFF;
    }

    private static async Task AssertNothingStoredAsync(ReceiverUnderTest receiver)
    {
        Assert.Empty(receiver.ReceivedFiles());
        Assert.True(await BadInputTests.Eventually(() => receiver.SpoolFiles().Count == 0), $"spool not empty: {string.Join(", ", receiver.SpoolFiles())}");
    }
}
