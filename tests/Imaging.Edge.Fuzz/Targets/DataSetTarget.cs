using Imaging.Edge.Dicom.Data;

namespace Imaging.Edge.Fuzz.Targets;

/// <summary>
/// The data-set scanner under every transfer syntax we know (deflated included): the first input byte picks the
/// syntax, the second the chunk size the bytes arrive in (P-DATA fragments), the rest is the data set. Refusals are
/// <see cref="DicomFormatException"/>. The scanner's bounds (16 MiB, ratio 100 for deflate) keep a bomb cheap.
/// </summary>
internal sealed class DataSetTarget : FuzzTarget
{
    private static readonly TransferSyntax[] Syntaxes = [.. TransferSyntax.All.OrderBy(s => s.Uid, StringComparer.Ordinal)];

    public override string Name => "dataset";

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length < 2) return;
        var syntax = Syntaxes[input[0] % Syntaxes.Length];
        int chunk = input[1] == 0 ? int.MaxValue : input[1];
        Scan(syntax, input[2..], chunk);
    }

    /// <summary>Scans <paramref name="dataSet"/> fed in pieces of at most <paramref name="chunk"/> bytes.</summary>
    public static void Scan(TransferSyntax syntax, ReadOnlySpan<byte> dataSet, int chunk)
    {
        var scanner = new DataSetScanner(syntax);
        try
        {
            while (!dataSet.IsEmpty)
            {
                int n = Math.Min(chunk, dataSet.Length);
                scanner.Feed(dataSet[..n]);
                dataSet = dataSet[n..];
            }
            scanner.Finish();
        }
        catch (DicomFormatException)
        {
        }
    }

    /// <summary>The selector byte that picks <paramref name="syntax"/>.</summary>
    public static byte SelectorOf(TransferSyntax syntax) => (byte)Array.IndexOf(Syntaxes, syntax);
}
