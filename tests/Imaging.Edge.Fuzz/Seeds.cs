using System.Security.Cryptography;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Files;
using Imaging.Edge.Fuzz.Targets;

namespace Imaging.Edge.Fuzz;

/// <summary>Turns test files into corpus entries (tests/fuzz/make-corpus.sh).</summary>
internal static class Seeds
{
    /// <summary>Largest file taken: the corpus stays small enough to commit and to replay in the CI slice.</summary>
    public const int MaxFileBytes = 64 * 1024;

    /// <summary>
    /// A Part 10 file becomes a <c>part10</c> entry as is, and its data set a <c>dataset</c> entry under the selector
    /// of its transfer syntax (fed in 64-byte chunks). Files that are too large or not Part 10 only go to part10.
    /// </summary>
    public static void Import(string root, string file)
    {
        byte[] bytes = File.ReadAllBytes(file);
        if (bytes.Length > MaxFileBytes) return;
        Write(root, "part10", bytes);
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var header = Part10Reader.ReadHeader(stream);
            if (TransferSyntax.TryGet(header.Meta.TransferSyntaxUid, out var syntax))
                Write(root, "dataset", [DataSetTarget.SelectorOf(syntax), 64, .. bytes.AsSpan((int)header.DataSetOffset)]);
        }
        catch (DicomFormatException)
        {
        }
    }

    public static void Write(string root, string target, byte[] input)
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, target)).FullName;
        File.WriteAllBytes(Path.Combine(folder, $"seed-{Convert.ToHexString(SHA256.HashData(input))[..12].ToLowerInvariant()}"), input);
    }
}
