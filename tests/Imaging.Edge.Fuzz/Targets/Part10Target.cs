using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Files;

namespace Imaging.Edge.Fuzz.Targets;

/// <summary>
/// The Part 10 reader (PS3.10 §7.1) and then the data-set scanner under the syntax the file claims, the way stored
/// files are read back. Both a seekable and a non-seekable stream. Refusals are <see cref="DicomFormatException"/>.
/// </summary>
internal sealed class Part10Target : FuzzTarget
{
    public override string Name => "part10";

    public override void Run(ReadOnlySpan<byte> input)
    {
        byte[] bytes = input.ToArray();
        Read(new MemoryStream(bytes, writable: false), bytes);
        Read(new ForwardOnlyStream(bytes), bytes);
    }

    private static void Read(Stream stream, byte[] bytes)
    {
        Part10Header header;
        try
        {
            header = Part10Reader.ReadHeader(stream);
        }
        catch (DicomFormatException)
        {
            return;
        }
        if (header.DataSetOffset < 0 || header.DataSetOffset > bytes.Length)
            throw new InvalidOperationException($"data set offset {header.DataSetOffset} outside a file of {bytes.Length} bytes");
        if (TransferSyntax.TryGet(header.Meta.TransferSyntaxUid, out var syntax))
            DataSetTarget.Scan(syntax, bytes.AsSpan((int)header.DataSetOffset), 4096);
    }

    /// <summary>A stream that cannot seek, like a socket or a pipe.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;
    }
}
