using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Dicom.Tests.Network.Pdus;

public sealed class StandardLayoutTests
{
    private static AssociateRequestPdu ExpectedRequest() => new(
        "ECHOSCP",
        "ECHOSCU",
        "1.2.840.10008.3.1.1.1",
        [new PresentationContextProposal(1, "1.2.840.10008.1.1", ["1.2.840.10008.1.2", "1.2.840.10008.1.2.1"])],
        new UserInformation
        {
            MaxPduLength = 16384,
            ImplementationClassUid = "1.2.276.0.7230010.3.0.3.6.7",
            ImplementationVersionName = "OFFIS_DCMTK_367",
            RoleSelections = [new RoleSelection("1.2.840.10008.1.1", ScuRole: true, ScpRole: false)],
        });

    [Fact]
    public void Hand_encoded_associate_request_parses_to_the_expected_values()
    {
        var pdu = Assert.IsType<AssociateRequestPdu>(PduSamples.DecodeAll(HandEncoded.AssociateRequest()));

        Assert.Equal("ECHOSCP", pdu.CalledAeTitle);
        Assert.Equal("ECHOSCU", pdu.CallingAeTitle);
        Assert.Equal("1.2.840.10008.3.1.1.1", pdu.ApplicationContextName);
        PresentationContextProposal context = Assert.Single(pdu.PresentationContexts);
        Assert.Equal((byte)1, context.Id);
        Assert.Equal("1.2.840.10008.1.1", context.AbstractSyntax);
        Assert.Equal(["1.2.840.10008.1.2", "1.2.840.10008.1.2.1"], context.TransferSyntaxes);
        Assert.Equal(16384u, pdu.UserInformation.MaxPduLength);
        Assert.Equal("1.2.276.0.7230010.3.0.3.6.7", pdu.UserInformation.ImplementationClassUid);
        Assert.Equal("OFFIS_DCMTK_367", pdu.UserInformation.ImplementationVersionName);
        Assert.Equal(new RoleSelection("1.2.840.10008.1.1", true, false), Assert.Single(pdu.UserInformation.RoleSelections));
        Assert.Null(pdu.UserInformation.AsyncOperationsWindow);
        Assert.Null(pdu.UserInformation.UserIdentityRequest);
        Assert.Equal(PduSamples.Describe(ExpectedRequest()), PduSamples.Describe(pdu));
    }

    [Fact]
    public void Writer_produces_the_hand_encoded_associate_request_byte_for_byte()
    {
        Assert.Equal(HandEncoded.AssociateRequest(), PduSamples.Encode(ExpectedRequest()));
    }

    [Fact]
    public void Nul_padded_uids_are_trimmed_leading_ae_spaces_trimmed_and_unknown_user_sub_items_skipped()
    {
        var pdu = Assert.IsType<AssociateAcceptPdu>(PduSamples.DecodeAll(HandEncoded.AssociateAcceptWithPaddingAndUnknownSubItem()));

        Assert.Equal("ECHOSCP", pdu.CalledAeTitle);
        Assert.Equal("ECHOSCU", pdu.CallingAeTitle);
        Assert.Equal("1.2.840.10008.3.1.1.1", pdu.ApplicationContextName);
        Assert.Equal(new PresentationContextResult(1, PresentationContextResultReason.Acceptance, "1.2.840.10008.1.2.1"), Assert.Single(pdu.PresentationContexts));
        Assert.Equal(32768u, pdu.UserInformation.MaxPduLength);
        Assert.Null(pdu.UserInformation.ImplementationClassUid);
    }

    [Fact]
    public void Any_protocol_version_with_bit_zero_set_is_accepted()
    {
        byte[] bytes = HandEncoded.AssociateRequest();
        bytes[HandEncoded.ProtocolVersionOffset] = 0x80;
        bytes[HandEncoded.ProtocolVersionOffset + 1] = 0x03;

        var pdu = Assert.IsType<AssociateRequestPdu>(PduSamples.DecodeAll(bytes));

        Assert.Equal(0x8003, pdu.ProtocolVersion);
    }
}
