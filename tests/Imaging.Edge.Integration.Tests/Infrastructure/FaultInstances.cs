using System.Globalization;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>Large instances for upload tests: CT_small with random 16-bit pixel data of the given size, fresh UIDs, written by pydicom.</summary>
internal static class FaultInstances
{
    /// <summary><paramref name="count"/> files whose pixel data is <paramref name="rows"/> x <paramref name="columns"/> x 2 random bytes.</summary>
    public static IReadOnlyList<string> WriteLarge(string folder, int count, int rows, int columns, string prefix = "big")
    {
        Directory.CreateDirectory(folder);
        const string script = """
            import os, sys, pydicom
            from pydicom.uid import generate_uid
            src, out, n, rows, cols, prefix = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
            ds = pydicom.dcmread(src)
            if 0xFFFCFFFC in ds: del ds[0xFFFCFFFC]
            ds.Rows, ds.Columns = rows, cols
            for i in range(n):
                uid = generate_uid()
                ds.SOPInstanceUID = uid
                ds.file_meta.MediaStorageSOPInstanceUID = uid
                ds.PixelData = os.urandom(rows * cols * 2)
                ds.save_as(f'{out}/{prefix}{i:03d}.dcm', write_like_original=False)
            """;
        var result = ProcessRunner.RunAsync(Peers.Python, ["-c", script, PydicomCorpus.File("CT_small.dcm"), folder,
            count.ToString(CultureInfo.InvariantCulture), rows.ToString(CultureInfo.InvariantCulture), columns.ToString(CultureInfo.InvariantCulture), prefix]).GetAwaiter().GetResult();
        Assert.True(result.ExitCode == 0, result.Output);
        return Directory.EnumerateFiles(folder, prefix + "*.dcm").Order(StringComparer.Ordinal).ToList();
    }
}
