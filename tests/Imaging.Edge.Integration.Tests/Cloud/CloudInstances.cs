using System.Globalization;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Cloud;

/// <summary>What pydicom reads from a file: the UIDs that make its object key, and the patient attributes that must never leave the box.</summary>
internal sealed record InstanceIdentity(string Path, string SopInstanceUid, string StudyUid, string SeriesUid, string PatientName, string PatientId);

/// <summary>Instances for the upload tests, made and read by pydicom (Debian's python3-pydicom).</summary>
internal static class CloudInstances
{
    public static IReadOnlyList<InstanceIdentity> Identify(IEnumerable<string> files)
    {
        const string script = """
            import sys, pydicom
            for path in sys.argv[1:]:
                ds = pydicom.dcmread(path, stop_before_pixels=True)
                print("\t".join([path, ds.SOPInstanceUID, ds.StudyInstanceUID, ds.SeriesInstanceUID, str(ds.get("PatientName", "")), str(ds.get("PatientID", ""))]))
            """;
        var result = ProcessRunner.RunAsync(Peers.Python, ["-c", script, .. files]).GetAwaiter().GetResult();
        Assert.True(result.ExitCode == 0, result.Output);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Select(f => new InstanceIdentity(f[0], f[1], f[2], f[3], f[4], f[5]))
            .ToList();
    }

    /// <summary>
    /// One multi-frame 16-bit Secondary Capture instance of about <paramref name="megabytes"/> MB of random pixel data
    /// (explicit VR little endian, OW), as tests/bench/make_inputs.py makes them.
    /// </summary>
    public static string Large(string folder, int megabytes)
    {
        Directory.CreateDirectory(folder);
        // The benchmark's own generator, so that tests and benchmarks send the same kind of instance.
        var result = ProcessRunner.RunAsync(Peers.Python,
            [Repository.File("tests", "bench", "make_inputs.py"), "large", folder, "1", megabytes.ToString(CultureInfo.InvariantCulture)],
            TimeSpan.FromMinutes(2)).GetAwaiter().GetResult();
        Assert.True(result.ExitCode == 0, result.Output);
        return Assert.Single(Directory.EnumerateFiles(folder, "mf*.dcm"));
    }
}
