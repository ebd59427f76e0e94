using System.IO.Compression;
using System.Text;

namespace Imaging.Edge.Dicom.Data;

/// <summary>
/// Push parser: fed the data set bytes in arbitrary chunks (as PDV fragments arrive), in the given transfer
/// syntax, it extracts the top-level attributes of <see cref="DataSetAttributes"/> (PS3.5 §7).
/// <para>
/// Memory is bounded and independent of the data set size: a 12-byte header buffer, the wanted values (each at
/// most 64 KiB; longer ones are skipped), a stack of open undefined-length sequences (depth limit 64) and, for
/// deflated syntaxes, a 32 KiB inflater window plus two 16 KiB buffers.
/// The attributes are complete at the first top-level tag greater than (0020,000E); the rest of an uncompressed
/// data set is still walked (values skipped by their length, which costs nothing) so that <see cref="Finish"/> can
/// tell a data set cut short.
/// </para>
/// <para>
/// A deflated data set is inflated only until its attributes are complete: inflating the rest costs CPU for every
/// byte (a few KB on the wire can inflate to a gigabyte), and its bytes are stored as received anyway, so a deflated
/// data set cut short after its attributes is not detected. Before the attributes are complete, at most
/// <see cref="MaxInflatedBytes"/> are inflated, and at most <see cref="MaxInflationRatio"/> times the bytes fed in:
/// a stream beyond either bound is refused as a deflate bomb.
/// </para>
/// Not thread-safe; one instance per data set.
/// </summary>
public sealed class DataSetScanner
{
    private const int InflateBufferSize = 16 * 1024;

    private readonly DataSetParser _parser;
    private readonly PendingInputStream? _pending;
    private DeflateStream? _inflater;
    private readonly byte[]? _inflated;
    private bool _finished;
    private bool _inflationStopped;
    private long _deflatedBytes;
    private long _inflatedBytes;

    public DataSetScanner(TransferSyntax transferSyntax)
    {
        ArgumentNullException.ThrowIfNull(transferSyntax);
        TransferSyntax = transferSyntax;
        _parser = new DataSetParser(transferSyntax.IsExplicitVr, transferSyntax.IsBigEndian);
        if (transferSyntax.IsDeflated)
        {
            _pending = new PendingInputStream(InflateBufferSize);
            _inflater = new DeflateStream(_pending, CompressionMode.Decompress, leaveOpen: true);
            _inflated = new byte[InflateBufferSize];
        }
    }

    public TransferSyntax TransferSyntax { get; }

    /// <summary>
    /// Most bytes a deflated data set may inflate to before its attributes are complete. What comes before
    /// (0020,000E) in a real data set is a few kilobytes of text and short sequences.
    /// </summary>
    public const long MaxInflatedBytes = 16 * 1024 * 1024;

    /// <summary>Largest ratio of inflated to deflated bytes accepted once more than <see cref="RatioCheckedFrom"/> bytes are inflated.</summary>
    public const int MaxInflationRatio = 100;

    private const long RatioCheckedFrom = 1024 * 1024;

    /// <summary>Bytes inflated so far (0 when the syntax is not deflated).</summary>
    public long InflatedBytes => _inflatedBytes;

    /// <summary>True once every wanted tag has passed.</summary>
    public bool IsComplete => _parser.IsDone;

    /// <summary>
    /// Feeds the next bytes of the data set. Throws <see cref="DicomFormatException"/> on malformed data (a nonsense
    /// VR in an explicit syntax, an unexpected delimiter, sequences nested deeper than 64, corrupt deflate data).
    /// </summary>
    public void Feed(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty) return;
        ObjectDisposedException.ThrowIf(_finished, this);
        if (_pending is null)
        {
            _parser.Feed(chunk);
            return;
        }

        while (!chunk.IsEmpty && !_inflationStopped)
        {
            int taken = _pending!.Load(chunk);
            chunk = chunk[taken..];
            _deflatedBytes += taken;
            Inflate();
        }
    }

    private void Inflate()
    {
        try
        {
            int n;
            while ((n = _inflater!.Read(_inflated!, 0, _inflated!.Length)) > 0)
            {
                _inflatedBytes += n;
                CheckInflationBounds();
                _parser.Feed(_inflated.AsSpan(0, n));
                if (_parser.IsDone)
                {
                    StopInflating();
                    return;
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new DicomFormatException($"Deflated data set is corrupt: {e.Message}");
        }
    }

    private void CheckInflationBounds()
    {
        if (_inflatedBytes > MaxInflatedBytes)
            throw new DicomFormatException($"Deflated data set inflates beyond {MaxInflatedBytes} bytes before its identifying attributes: refused as a deflate bomb");
        if (_inflatedBytes > RatioCheckedFrom && _inflatedBytes > MaxInflationRatio * _deflatedBytes)
            throw new DicomFormatException($"Deflated data set inflates {_inflatedBytes / _deflatedBytes} times its size before its identifying attributes (at most {MaxInflationRatio}): refused as a deflate bomb");
    }

    /// <summary>The attributes are known: the rest is stored as received, never inflated.</summary>
    private void StopInflating()
    {
        _inflationStopped = true;
        _inflater!.Dispose();
        _inflater = null;
    }

    /// <summary>
    /// Ends the data set and returns what was found. Throws <see cref="DicomFormatException"/> if the data ended
    /// in the middle of an element or of an open sequence.
    /// </summary>
    public DataSetAttributes Finish()
    {
        if (!_finished)
        {
            _finished = true;
            _inflater?.Dispose();
        }

        if (!_inflationStopped) _parser.EnsureComplete();
        return Build(_parser.Values);
    }

    internal static DataSetAttributes Build(IReadOnlyDictionary<DicomTag, byte[]> values)
    {
        string? charset = Ascii(DicomTag.SpecificCharacterSet);
        return new DataSetAttributes
        {
            SpecificCharacterSet = charset,
            SopClassUid = Ascii(DicomTag.SopClassUid),
            SopInstanceUid = Ascii(DicomTag.SopInstanceUid),
            StudyInstanceUid = Ascii(DicomTag.StudyInstanceUid),
            SeriesInstanceUid = Ascii(DicomTag.SeriesInstanceUid),
            StudyDate = Ascii(DicomTag.StudyDate),
            StudyTime = Ascii(DicomTag.StudyTime),
            Modality = Ascii(DicomTag.Modality),
            PatientBirthDate = Ascii(DicomTag.PatientBirthDate),
            PatientName = Text(DicomTag.PatientName),
            PatientId = Text(DicomTag.PatientId),
            IssuerOfPatientId = Text(DicomTag.IssuerOfPatientId),
            AccessionNumber = Text(DicomTag.AccessionNumber),
        };

        // UI, CS, DA, TM are in the default repertoire whatever (0008,0005) says.
        string? Ascii(DicomTag tag) =>
            values.TryGetValue(tag, out byte[]? v) ? Trim(Encoding.Latin1.GetString(v)) : null;

        string? Text(DicomTag tag) =>
            values.TryGetValue(tag, out byte[]? v) ? Trim(DicomCharacterSets.Decode(v, charset)) : null;

        static string Trim(string s) => s.Trim(' ', '\0');
    }

    /// <summary>The inflater's source: hands over the bytes loaded by <see cref="Load"/>, then reports "no data yet" (0).</summary>
    private sealed class PendingInputStream(int capacity) : Stream
    {
        private readonly byte[] _buffer = new byte[capacity];
        private int _offset;
        private int _count;

        public int Load(ReadOnlySpan<byte> chunk)
        {
            int n = Math.Min(chunk.Length, _buffer.Length);
            chunk[..n].CopyTo(_buffer);
            _offset = 0;
            _count = n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(buffer.Length, _count);
            _buffer.AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            _count -= n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
