using System.Buffers.Binary;
using Imaging.Edge.Devices.Parsing.Records;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Parsing.Binary;

/// <summary>
/// One binary frame (the payload an escaped-binary link hands over, flags, escapes, length and CRC removed): its kind
/// is the record with the longest tag (hex bytes) the frame starts with, or the one record without a tag; each
/// field is an integer of 1, 2 or 4 bytes at its offset, big- or little-endian, signed or not, with implied decimal
/// places (<c>scale</c>). Pure; does not throw; a field beyond the frame is a problem that names the frame kind,
/// the field and the sizes, never the bytes.
/// </summary>
internal sealed class BinaryParser(ParserSettings settings, FieldMapping mapping, ResultFilter? filter) : IMessageParser
{
    private readonly IReadOnlyList<(RecordDefinition Kind, byte[] Tag)> _kinds =
        [.. (settings.Records ?? []).Select(r => (r, TagOf(r.Tag))).OrderByDescending(k => k.Item2.Length)];

    public ParseOutcome Read(ReadOnlySpan<byte> frame)
    {
        var message = new RecordMessageBuilder(mapping.TestCodes ?? new Dictionary<string, CodedConcept>(), filter ?? new ResultFilter());
        RecordDefinition? kind = null;
        foreach (var (candidate, tag) in _kinds)
        {
            if (frame.StartsWith(tag))
            {
                kind = candidate;
                break;
            }
        }
        if (kind is null)
        {
            message.Problem("frame", $"no record kind has its tag ({frame.Length} bytes); ignored");
            return new ParseOutcome([message.Build()], []);
        }
        string where = $"frame ({kind.Name})";
        var values = new List<(FieldDefinition, string)>();
        foreach (var field in kind.Fields)
        {
            int offset = field.Offset ?? 0, width = field.Width ?? 1;
            if (width is not (1 or 2 or 4) || offset < 0 || offset + width > frame.Length)
            {
                message.Problem($"{where} field '{field.Name}'", $"needs bytes {offset + 1} to {offset + width}; the frame has {frame.Length}");
                continue;
            }
            values.Add((field, FieldText.Format(Integer(frame.Slice(offset, width), field), field.Scale)));
        }
        message.Add(where, kind, values);
        return new ParseOutcome([message.Build()], []);
    }

    private static decimal Integer(ReadOnlySpan<byte> bytes, FieldDefinition field)
    {
        bool little = field.ByteOrder == ByteOrder.LittleEndian, signed = field.Signed == true;
        return bytes.Length switch
        {
            1 => signed ? (sbyte)bytes[0] : bytes[0],
            2 => signed
                ? little ? BinaryPrimitives.ReadInt16LittleEndian(bytes) : BinaryPrimitives.ReadInt16BigEndian(bytes)
                : little ? BinaryPrimitives.ReadUInt16LittleEndian(bytes) : BinaryPrimitives.ReadUInt16BigEndian(bytes),
            _ => signed
                ? little ? BinaryPrimitives.ReadInt32LittleEndian(bytes) : BinaryPrimitives.ReadInt32BigEndian(bytes)
                : little ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes),
        };
    }

    /// <summary>The tag's bytes; none (or, in a profile the loader rejected, bad hex) matches every frame.</summary>
    public static byte[] TagOf(string? hex)
    {
        if (string.IsNullOrEmpty(hex))
            return [];
        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
