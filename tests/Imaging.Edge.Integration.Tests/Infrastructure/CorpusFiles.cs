using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Files;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>One Part 10 file of the pydicom corpus whose transfer syntax and storage SOP class are known.</summary>
public sealed record CorpusFile(string Path, string Name, FileMetaInformation Meta, TransferSyntax TransferSyntax, long DataSetOffset)
{
    public override string ToString() => Name;
}

/// <summary>The sendable files of <see cref="PydicomCorpus"/>: Part 10 header, registered transfer syntax, storage SOP class.</summary>
public static class CorpusFiles
{
    /// <summary>Every file under the corpus folder (recursively) that a storage SCU could send, in ordinal path order.</summary>
    public static IReadOnlyList<CorpusFile> Sendable()
    {
        Assert.True(Directory.Exists(PydicomCorpus.Folder), $"{PydicomCorpus.Folder} is missing: run tests/peers/install.sh");
        var files = new List<CorpusFile>();
        foreach (var path in Directory.EnumerateFiles(PydicomCorpus.Folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            Part10Header header;
            try
            {
                using var stream = File.OpenRead(path);
                header = Part10Reader.ReadHeader(stream);
            }
            catch (DicomFormatException)
            {
                continue; // no File Meta Information: not something a storage SCU sends as is
            }
            if (!TransferSyntax.TryGet(header.Meta.TransferSyntaxUid, out var syntax)) continue;
            if (!StorageSopClasses.IsStorage(header.Meta.MediaStorageSopClassUid)) continue;
            files.Add(new CorpusFile(path, Path.GetRelativePath(PydicomCorpus.Folder, path), header.Meta, syntax, header.DataSetOffset));
        }
        return files;
    }

    /// <summary>The data set bytes of a Part 10 file (after its meta group).</summary>
    public static byte[] DataSet(string path) => ReceiverUnderTest.DataSetBytes(path);

    /// <summary>Meta information and data set of a received or stored Part 10 file.</summary>
    public static (FileMetaInformation Meta, byte[] DataSet) Read(string path)
    {
        using var stream = File.OpenRead(path);
        var header = Part10Reader.ReadHeader(stream);
        stream.Position = header.DataSetOffset;
        var bytes = new byte[stream.Length - header.DataSetOffset];
        stream.ReadExactly(bytes);
        return (header.Meta, bytes);
    }
}
