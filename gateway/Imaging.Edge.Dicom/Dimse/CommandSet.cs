using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Imaging.Edge.Dicom.Dimse;

/// <summary>
/// A DIMSE command set (group 0000), PS3.7 §6.3 and Annex E. Always encoded in implicit VR little endian:
/// each element is tag group (2), tag element (2), value length (4), value.
/// Only the fields this toolkit uses are kept; others are skipped on read.
/// </summary>
public sealed record CommandSet
{
    /// <summary>No Data Set present (0000,0800) value, PS3.7 §E.1; any other value means a data set follows.</summary>
    public const ushort NoDataSet = 0x0101;

    /// <summary>Command sets are a few hundred bytes; a larger one is a protocol violation, not a reason to buffer.</summary>
    public const int MaxEncodedLength = 64 * 1024;

    public CommandField CommandField { get; init; }
    public string? AffectedSopClassUid { get; init; }
    public string? AffectedSopInstanceUid { get; init; }
    public ushort MessageId { get; init; }
    public ushort MessageIdBeingRespondedTo { get; init; }
    public DimsePriority Priority { get; init; }
    public ushort CommandDataSetType { get; init; } = NoDataSet;
    public ushort? Status { get; init; }
    public string? MoveOriginatorAeTitle { get; init; }
    public ushort? MoveOriginatorMessageId { get; init; }
    public string? ErrorComment { get; init; }

    public bool HasDataSet => CommandDataSetType != NoDataSet;

    // PS3.7 Annex E, Table E.1-1: tags of group 0000 (element numbers).
    private const ushort AffectedSopClassUidElement = 0x0002;
    private const ushort CommandFieldElement = 0x0100;
    private const ushort MessageIdElement = 0x0110;
    private const ushort MessageIdBeingRespondedToElement = 0x0120;
    private const ushort PriorityElement = 0x0700;
    private const ushort CommandDataSetTypeElement = 0x0800;
    private const ushort StatusElement = 0x0900;
    private const ushort ErrorCommentElement = 0x0902;
    private const ushort AffectedSopInstanceUidElement = 0x1000;
    private const ushort MoveOriginatorAeTitleElement = 0x1030;
    private const ushort MoveOriginatorMessageIdElement = 0x1031;

    /// <summary>Parses a complete command set. Throws <see cref="DimseFormatException"/> when it is malformed.</summary>
    public static CommandSet Parse(ReadOnlySpan<byte> bytes)
    {
        var command = new CommandSet();
        var hasCommandField = false;
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (bytes.Length - offset < 8)
                throw new DimseFormatException("command set ends inside an element header");
            var group = BinaryPrimitives.ReadUInt16LittleEndian(bytes[offset..]);
            var element = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(offset + 2)..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(offset + 4)..]);
            offset += 8;
            if (length > (uint)(bytes.Length - offset))
                throw new DimseFormatException($"command element (0000,{element:X4}) is longer than the command set");
            if (group != 0x0000)
                throw new DimseFormatException($"command set holds an element of group {group:X4}");
            var value = bytes.Slice(offset, (int)length);
            offset += (int)length;
            switch (element)
            {
                case AffectedSopClassUidElement: command = command with { AffectedSopClassUid = ReadString(value) }; break;
                case CommandFieldElement: command = command with { CommandField = (CommandField)ReadUInt16(value, element) }; hasCommandField = true; break;
                case MessageIdElement: command = command with { MessageId = ReadUInt16(value, element) }; break;
                case MessageIdBeingRespondedToElement: command = command with { MessageIdBeingRespondedTo = ReadUInt16(value, element) }; break;
                case PriorityElement: command = command with { Priority = (DimsePriority)ReadUInt16(value, element) }; break;
                case CommandDataSetTypeElement: command = command with { CommandDataSetType = ReadUInt16(value, element) }; break;
                case StatusElement: command = command with { Status = ReadUInt16(value, element) }; break;
                case ErrorCommentElement: command = command with { ErrorComment = ReadString(value) }; break;
                case AffectedSopInstanceUidElement: command = command with { AffectedSopInstanceUid = ReadString(value) }; break;
                case MoveOriginatorAeTitleElement: command = command with { MoveOriginatorAeTitle = ReadString(value) }; break;
                case MoveOriginatorMessageIdElement: command = command with { MoveOriginatorMessageId = ReadUInt16(value, element) }; break;
                default: break; // group length and fields this toolkit does not use
            }
        }
        if (!hasCommandField)
            throw new DimseFormatException("command set has no Command Field (0000,0100)");
        return command;
    }

    /// <summary>Encodes this command set, group length (0000,0000) first, elements in ascending tag order.</summary>
    public byte[] Encode()
    {
        var body = new ArrayBufferWriter<byte>(256);
        if (AffectedSopClassUid is not null) WriteString(body, AffectedSopClassUidElement, AffectedSopClassUid, padWith: 0);
        WriteUInt16(body, CommandFieldElement, (ushort)CommandField);
        if (IsRequest(CommandField)) WriteUInt16(body, MessageIdElement, MessageId);
        else WriteUInt16(body, MessageIdBeingRespondedToElement, MessageIdBeingRespondedTo);
        if (CommandField == CommandField.CStoreRequest) WriteUInt16(body, PriorityElement, (ushort)Priority);
        WriteUInt16(body, CommandDataSetTypeElement, CommandDataSetType);
        if (Status is { } status) WriteUInt16(body, StatusElement, status);
        if (ErrorComment is not null) WriteString(body, ErrorCommentElement, ErrorComment, padWith: (byte)' ');
        if (AffectedSopInstanceUid is not null) WriteString(body, AffectedSopInstanceUidElement, AffectedSopInstanceUid, padWith: 0);
        if (MoveOriginatorAeTitle is not null) WriteString(body, MoveOriginatorAeTitleElement, MoveOriginatorAeTitle, padWith: (byte)' ');
        if (MoveOriginatorMessageId is { } moveId) WriteUInt16(body, MoveOriginatorMessageIdElement, moveId);

        var encoded = new byte[12 + body.WrittenCount];
        BinaryPrimitives.WriteUInt16LittleEndian(encoded, 0x0000);
        BinaryPrimitives.WriteUInt16LittleEndian(encoded.AsSpan(2), 0x0000);
        BinaryPrimitives.WriteUInt32LittleEndian(encoded.AsSpan(4), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(encoded.AsSpan(8), (uint)body.WrittenCount);
        body.WrittenSpan.CopyTo(encoded.AsSpan(12));
        return encoded;
    }

    private static bool IsRequest(CommandField field) => ((ushort)field & 0x8000) == 0;

    private static ushort ReadUInt16(ReadOnlySpan<byte> value, ushort element) =>
        value.Length == 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(value)
            : throw new DimseFormatException($"command element (0000,{element:X4}) must be 2 bytes, is {value.Length}");

    private static string ReadString(ReadOnlySpan<byte> value) =>
        Encoding.ASCII.GetString(value).TrimEnd('\0', ' ').TrimStart(' ');

    private static void WriteUInt16(ArrayBufferWriter<byte> output, ushort element, ushort value)
    {
        var span = output.GetSpan(10);
        BinaryPrimitives.WriteUInt16LittleEndian(span, 0x0000);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], element);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], value);
        output.Advance(10);
    }

    private static void WriteString(ArrayBufferWriter<byte> output, ushort element, string value, byte padWith)
    {
        var length = Encoding.ASCII.GetByteCount(value);
        var padded = length + (length & 1);
        var span = output.GetSpan(8 + padded);
        BinaryPrimitives.WriteUInt16LittleEndian(span, 0x0000);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], element);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)padded);
        Encoding.ASCII.GetBytes(value, span[8..]);
        if (padded != length) span[8 + length] = padWith;
        output.Advance(8 + padded);
    }
}
