using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Dicom.Tests.Network.Pdus;

public sealed class PduRoundTripTests
{
    [Theory]
    [MemberData(nameof(PduSamples.Names), MemberType = typeof(PduSamples))]
    public void Encode_then_decode_gives_back_every_field(string name)
    {
        Pdu original = PduSamples.ByName(name);
        byte[] encoded = PduSamples.Encode(original);

        Pdu decoded = PduSamples.DecodeAll(encoded);

        Assert.Equal(original.Type, decoded.Type);
        Assert.Equal(PduSamples.Describe(original), PduSamples.Describe(decoded));
        Assert.Equal(encoded, PduSamples.Encode(decoded));
    }

    [Fact]
    public void Associate_request_round_trip_keeps_every_user_information_sub_item()
    {
        var decoded = (AssociateRequestPdu)PduSamples.DecodeAll(PduSamples.Encode(PduSamples.Request()));

        UserInformation ui = decoded.UserInformation;
        Assert.Equal("IMAGING_EDGE", decoded.CalledAeTitle);
        Assert.Equal("CT_SCANNER_01", decoded.CallingAeTitle);
        Assert.Equal(1, decoded.ProtocolVersion);
        Assert.Equal(2, decoded.PresentationContexts.Count);
        Assert.Equal(["1.2.840.10008.1.2.1", "1.2.840.10008.1.2", "1.2.840.10008.1.2.4.70"], decoded.PresentationContexts[1].TransferSyntaxes);
        Assert.Equal(16384u, ui.MaxPduLength);
        Assert.Equal("1.2.826.0.1.3680043.10.1234", ui.ImplementationClassUid);
        Assert.Equal("IMAGING_EDGE_1", ui.ImplementationVersionName);
        Assert.Equal(new AsyncOperationsWindow(3, 1), ui.AsyncOperationsWindow);
        Assert.Equal(new RoleSelection("1.2.840.10008.5.1.4.1.1.4", false, true), ui.RoleSelections[1]);
        Assert.Equal(new byte[] { 1, 0, 1 }, ui.ExtendedNegotiations[0].ServiceClassApplicationInformation.ToArray());
        Assert.Equal(["1.2.840.10008.5.1.4.1.1.88.11", "1.2.840.10008.5.1.4.1.1.88.33"], ui.CommonExtendedNegotiations[0].RelatedGeneralSopClassUids);
        Assert.Empty(ui.CommonExtendedNegotiations[1].RelatedGeneralSopClassUids);
        Assert.Equal(2, ui.UserIdentityRequest!.IdentityType);
        Assert.True(ui.UserIdentityRequest.PositiveResponseRequested);
        Assert.Equal("s3cret"u8.ToArray(), ui.UserIdentityRequest.SecondaryField.ToArray());
        Assert.Equal(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }, ui.UserIdentityResponse!.ServerResponse.ToArray());
    }

    [Fact]
    public void Rejected_presentation_context_with_empty_transfer_syntax_round_trips_as_empty()
    {
        var decoded = (AssociateAcceptPdu)PduSamples.DecodeAll(PduSamples.Encode(PduSamples.Accept()));

        Assert.Equal(new PresentationContextResult(3, PresentationContextResultReason.TransferSyntaxesNotSupported, ""), decoded.PresentationContexts[1]);
    }

    [Fact]
    public void Minimal_user_information_writes_only_the_maximum_length_sub_item()
    {
        var pdu = new AssociateRequestPdu("A", "B", AssociateRequestPdu.DicomApplicationContextName,
            [new PresentationContextProposal(1, "1.2.840.10008.1.1", ["1.2.840.10008.1.2"])], new UserInformation());

        var decoded = (AssociateRequestPdu)PduSamples.DecodeAll(PduSamples.Encode(pdu));

        Assert.Equal(PduSamples.Describe(pdu), PduSamples.Describe(decoded));
        Assert.Null(decoded.UserInformation.ImplementationClassUid);
        Assert.Equal(0u, decoded.UserInformation.MaxPduLength);
    }

    [Fact]
    public void Fixed_size_pdus_are_ten_bytes_with_length_four()
    {
        foreach (Pdu pdu in new Pdu[] { ReleaseRequestPdu.Instance, ReleaseResponsePdu.Instance, new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified), new AssociateRejectPdu(RejectResult.Transient, RejectSource.ServiceProviderPresentation, RejectReasons.TemporaryCongestion) })
        {
            byte[] bytes = PduSamples.Encode(pdu);
            Assert.Equal(10, bytes.Length);
            Assert.Equal((byte)pdu.Type, bytes[0]);
            Assert.Equal(new byte[] { 0, 0, 0, 0, 4 }, bytes[1..6]);
        }
    }

    [Fact]
    public void Reject_and_abort_fields_sit_at_the_standard_offsets()
    {
        Assert.Equal(Convert.FromHexString("03000000000400010207"),
            PduSamples.Encode(new AssociateRejectPdu(RejectResult.Permanent, RejectSource.ServiceProviderAcse, 7)));
        Assert.Equal(Convert.FromHexString("07000000000400000206"),
            PduSamples.Encode(new AbortPdu(AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue)));
        Assert.Equal(Convert.FromHexString("05000000000400000000"), PduSamples.Encode(ReleaseRequestPdu.Instance));
        Assert.Equal(Convert.FromHexString("06000000000400000000"), PduSamples.Encode(ReleaseResponsePdu.Instance));
    }
}
