using System.Buffers.Binary;
using Imaging.Edge.Dicom.Dimse;

namespace Imaging.Edge.Dicom.Tests.Dimse;

public sealed class CommandSetTests
{
    [Fact]
    public void Store_request_round_trips()
    {
        var request = new CommandSet
        {
            CommandField = CommandField.CStoreRequest,
            AffectedSopClassUid = "1.2.840.10008.5.1.4.1.1.2",
            AffectedSopInstanceUid = "1.2.3.4.5",
            MessageId = 7,
            Priority = DimsePriority.High,
            CommandDataSetType = 0x0000,
            MoveOriginatorAeTitle = "MOVER",
            MoveOriginatorMessageId = 3,
        };

        var parsed = CommandSet.Parse(request.Encode());

        Assert.Equal(request, parsed);
        Assert.True(parsed.HasDataSet);
    }

    [Fact]
    public void Response_carries_message_id_being_responded_to_and_status()
    {
        var response = new CommandSet
        {
            CommandField = CommandField.CStoreResponse,
            AffectedSopClassUid = "1.2.840.10008.5.1.4.1.1.2",
            AffectedSopInstanceUid = "1.2.3",
            MessageIdBeingRespondedTo = 9,
            Status = DimseStatus.OutOfResources,
        };

        var parsed = CommandSet.Parse(response.Encode());

        Assert.Equal((ushort)9, parsed.MessageIdBeingRespondedTo);
        Assert.Equal(DimseStatus.OutOfResources, parsed.Status);
        Assert.False(parsed.HasDataSet);
    }

    [Fact]
    public void Encoding_starts_with_a_correct_group_length_and_pads_uids_with_nul()
    {
        var encoded = new CommandSet { CommandField = CommandField.CEchoRequest, AffectedSopClassUid = "1.2.840.10008.1.1", MessageId = 1 }.Encode();

        // (0000,0000) UL group length = bytes after this element (PS3.7 §E.1)
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(encoded));
        Assert.Equal(4u, BinaryPrimitives.ReadUInt32LittleEndian(encoded.AsSpan(4)));
        Assert.Equal((uint)(encoded.Length - 12), BinaryPrimitives.ReadUInt32LittleEndian(encoded.AsSpan(8)));
        // (0000,0002) UI "1.2.840.10008.1.1" is 17 characters: padded to 18 with a NUL
        Assert.Equal(0x0002, BinaryPrimitives.ReadUInt16LittleEndian(encoded.AsSpan(14)));
        Assert.Equal(18u, BinaryPrimitives.ReadUInt32LittleEndian(encoded.AsSpan(16)));
        Assert.Equal(0, encoded[20 + 17]);
    }

    [Fact]
    public void Element_longer_than_the_command_set_is_rejected()
    {
        var encoded = new CommandSet { CommandField = CommandField.CEchoRequest, MessageId = 1 }.Encode();
        BinaryPrimitives.WriteUInt32LittleEndian(encoded.AsSpan(4), 0x7FFFFFFF);

        Assert.Throws<DimseFormatException>(() => CommandSet.Parse(encoded));
    }

    [Fact]
    public void Truncated_element_header_is_rejected()
    {
        var encoded = new CommandSet { CommandField = CommandField.CEchoRequest, MessageId = 1 }.Encode();

        Assert.Throws<DimseFormatException>(() => CommandSet.Parse(encoded.AsSpan(0, encoded.Length - 5)));
    }

    [Fact]
    public void Command_set_without_command_field_is_rejected()
    {
        // (0000,0110) US 1 only
        byte[] bytes = [0x00, 0x00, 0x10, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00];

        Assert.Throws<DimseFormatException>(() => CommandSet.Parse(bytes));
    }

    [Fact]
    public void Element_of_another_group_is_rejected()
    {
        // (0008,0016) in a command set
        byte[] bytes = [0x08, 0x00, 0x16, 0x00, 0x02, 0x00, 0x00, 0x00, 0x31, 0x00];

        Assert.Throws<DimseFormatException>(() => CommandSet.Parse(bytes));
    }
}
