using System.Text;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>Copies of a Part 10 file with fresh SOP Instance UIDs and no trailing padding, written by pydicom.</summary>
public static class FreshInstances
{
    public static IReadOnlyList<string> Write(string source, string folder, int count)
    {
        Directory.CreateDirectory(folder);
        var script = new StringBuilder()
            .AppendLine("import sys, pydicom")
            .AppendLine("from pydicom.uid import generate_uid")
            .AppendLine("src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])")
            .AppendLine("ds = pydicom.dcmread(src)")
            // dcmtk drops trailing padding when it sends; without it, what storescu sends is the file's data set.
            .AppendLine("if 0xFFFCFFFC in ds: del ds[0xFFFCFFFC]")
            .AppendLine("for i in range(n):")
            .AppendLine("    uid = generate_uid()")
            .AppendLine("    ds.SOPInstanceUID = uid")
            .AppendLine("    ds.file_meta.MediaStorageSOPInstanceUID = uid")
            .AppendLine("    ds.save_as(f'{out}/i{i:05d}.dcm', write_like_original=False)")
            .ToString();
        var result = ProcessRunner.RunAsync(Peers.Python, ["-c", script, source, folder, count.ToString(System.Globalization.CultureInfo.InvariantCulture)]).GetAwaiter().GetResult();
        Assert.True(result.ExitCode == 0, result.Output);
        return Directory.EnumerateFiles(folder, "*.dcm").Order(StringComparer.Ordinal).ToList();
    }
}
