using System.Buffers;
using System.Text;
using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Dicom.Tests.Network.Pdus;

public sealed class PduRejectionTests
{
    private static PduFormatException ReadFails(byte[] bytes, uint maxPDataLength = PduSamples.MaxPData)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        return Assert.Throws<PduFormatException>(() => PduReader.TryReadPdu(ref buffer, maxPDataLength, out _));
    }

    [Fact]
    public void Http_request_on_the_dicom_port_is_an_unrecognized_pdu()
    {
        PduFormatException e = ReadFails(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: edge\r\n\r\n"));

        Assert.Equal(AbortReason.UnrecognizedPdu, e.Reason);
    }

    [Theory]
    [InlineData((byte)0x00)]
    [InlineData((byte)0x08)]
    [InlineData((byte)'G')]
    [InlineData((byte)0xFF)]
    public void Unknown_pdu_type_is_rejected_from_its_first_byte(byte type)
    {
        Assert.Equal(AbortReason.UnrecognizedPdu, ReadFails([type]).Reason);
    }

    [Theory]
    [InlineData((byte)0x01)]
    [InlineData((byte)0x02)]
    [InlineData((byte)0x04)]
    [InlineData((byte)0x07)]
    public void Length_0xFFFFFFFF_is_rejected_from_the_six_byte_header_alone(byte type)
    {
        PduFormatException e = ReadFails([type, 0x00, 0xFF, 0xFF, 0xFF, 0xFF]);

        Assert.Equal(AbortReason.InvalidPduParameterValue, e.Reason);
    }

    [Fact]
    public void Negotiation_pdu_over_one_mebibyte_is_rejected_from_the_header()
    {
        Assert.Equal(AbortReason.InvalidPduParameterValue, ReadFails([0x01, 0x00, 0x00, 0x10, 0x00, 0x01]).Reason);
    }

    [Fact]
    public void P_data_longer_than_the_advertised_maximum_is_rejected_without_its_body()
    {
        byte[] header = PduSamples.Encode(PduSamples.PData())[..6];

        PduFormatException e = ReadFails(header, maxPDataLength: 64);

        Assert.Equal(AbortReason.InvalidPduParameterValue, e.Reason);
    }

    [Fact]
    public void P_data_of_exactly_the_advertised_maximum_is_accepted()
    {
        var output = new ArrayBufferWriter<byte>();
        PduWriter.WritePData(output, 1, false, true, new byte[58]);
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);

        Assert.True(PduReader.TryReadPdu(ref buffer, 64, out _));
    }

    [Fact]
    public void Pdv_longer_than_its_pdu_is_rejected()
    {
        // PDU-length 8 but the PDV item claims 9 bytes after its length field.
        PduFormatException e = ReadFails(Convert.FromHexString("040000000008" + "00000009" + "0103" + "AABB"));

        Assert.Equal(AbortReason.InvalidPduParameterValue, e.Reason);
    }

    [Theory]
    [InlineData("040000000005" + "00000001" + "01")]
    [InlineData("040000000004" + "00000000")]
    public void Pdv_shorter_than_two_bytes_is_rejected(string hex)
    {
        Assert.Equal(AbortReason.InvalidPduParameterValue, ReadFails(Convert.FromHexString(hex)).Reason);
    }

    [Theory]
    [InlineData("040000000000")]
    [InlineData("040000000003" + "000000")]
    public void P_data_without_a_whole_pdv_is_rejected(string hex)
    {
        Assert.Equal(AbortReason.InvalidPduParameterValue, ReadFails(Convert.FromHexString(hex)).Reason);
    }

    [Fact]
    public void Item_overrunning_its_pdu_is_rejected()
    {
        byte[] bytes = HandEncoded.AssociateRequest();
        bytes[HandEncoded.ApplicationContextItemOffset + 2] = 0x01; // claims 0x0115 bytes; the PDU has 179 after the item header

        Assert.Equal(AbortReason.InvalidPduParameterValue, ReadFails(bytes).Reason);
    }

    [Fact]
    public void Sub_item_overrunning_its_item_but_not_the_pdu_is_rejected()
    {
        byte[] bytes = HandEncoded.AssociateRequest();
        bytes[HandEncoded.AbstractSyntaxSubItemOffset + 3] = 0x50; // 80 bytes: more than its presentation-context item holds

        Assert.Equal(AbortReason.InvalidPduParameterValue, ReadFails(bytes).Reason);
    }

    [Fact]
    public void Truncated_field_inside_a_sub_item_is_rejected()
    {
        byte[] bytes = HandEncoded.AssociateRequest();
        bytes[HandEncoded.RoleSelectionSubItemOffset + 5] = 0x14; // UID-length 20 leaves no room for the role bytes

        Assert.Equal(AbortReason.InvalidPduParameterValue, ReadFails(bytes).Reason);
    }

    [Fact]
    public void Unknown_item_type_in_an_associate_request_is_rejected()
    {
        byte[] bytes = HandEncoded.AssociateRequest();
        bytes[HandEncoded.ApplicationContextItemOffset] = 0x60;

        Assert.Equal(AbortReason.UnrecognizedPduParameter, ReadFails(bytes).Reason);
    }

    [Fact]
    public void Associate_request_shorter_than_its_fixed_fields_is_rejected()
    {
        Assert.Equal(AbortReason.InvalidPduParameterValue, ReadFails([0x01, 0x00, 0x00, 0x00, 0x00, 0x10]).Reason);
    }

    [Fact]
    public void Protocol_version_without_bit_zero_is_rejected_with_a_suggested_association_reject()
    {
        byte[] bytes = HandEncoded.AssociateRequest();
        bytes[HandEncoded.ProtocolVersionOffset + 1] = 0x02;

        PduFormatException e = ReadFails(bytes);

        Assert.Equal(new AssociateRejectPdu(RejectResult.Permanent, RejectSource.ServiceProviderAcse, RejectReasons.ProtocolVersionNotSupported), e.SuggestedReject);
    }

    [Theory]
    [InlineData("030000000005" + "0001020700")]
    [InlineData("050000000000")]
    [InlineData("070000000006" + "000000020000")]
    public void Fixed_size_pdu_with_a_wrong_length_is_rejected(string hex)
    {
        Assert.Equal(AbortReason.InvalidPduParameterValue, ReadFails(Convert.FromHexString(hex)).Reason);
    }

    [Theory]
    [InlineData("ABCDEFGHIJKLMNOPQ")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("BAD\\AE")]
    public void Invalid_ae_title_is_refused_on_write_and_nothing_is_written(string title)
    {
        AssociateRequestPdu pdu = PduSamples.Request() with { CallingAeTitle = title };
        var output = new ArrayBufferWriter<byte>();

        Assert.Throws<ArgumentException>(() => PduWriter.Write(output, pdu));
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void Sixteen_character_ae_title_is_written_without_padding()
    {
        AssociateAcceptPdu pdu = PduSamples.Accept() with { CalledAeTitle = "ABCDEFGHIJKLMNOP" };

        var decoded = (AssociateAcceptPdu)PduSamples.DecodeAll(PduSamples.Encode(pdu));

        Assert.Equal("ABCDEFGHIJKLMNOP", decoded.CalledAeTitle);
    }

    [Fact]
    public void Duplicate_maximum_length_sub_item_is_an_unexpected_parameter()
    {
        byte[] accept = HandEncoded.AssociateAcceptWithPaddingAndUnknownSubItem();
        // Turn the unknown 5FH sub-item (6 bytes) into nothing and append a second 51H sub-item (8 bytes): lengths grow by 2.
        byte[] bytes = [.. accept[..^6], 0x51, 0x00, 0x00, 0x04, 0x00, 0x00, 0x10, 0x00];
        bytes[5] += 2;
        bytes[^(8 + 8 + 1)] += 2; // user-information item length, low byte: 14 -> 16

        Assert.Equal(AbortReason.UnexpectedPduParameter, ReadFails(bytes).Reason);
    }
}
