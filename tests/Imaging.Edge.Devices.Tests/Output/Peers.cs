using System.Diagnostics;
using Imaging.Edge.Devices.Output;
using Imaging.Edge.Dicom.Files;

namespace Imaging.Edge.Devices.Tests.Output;

/// <summary>The real peers that read the device output back (dcmtk, pydicom), and Part 10 files for them.</summary>
internal static class Peers
{
    public const string Dcmdump = "/usr/bin/dcmdump";
    public const string Dsrdump = "/usr/bin/dsrdump";
    /// <summary>dicom3tools' IOD verifier (package dicom3tools).</summary>
    public const string Dciodvfy = "/usr/bin/dciodvfy";

    public static string Python => Environment.GetEnvironmentVariable("IMAGING_EDGE_TEST_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    /// <summary>Writes the object as a Part 10 file: the header from <see cref="Part10Writer"/>, then the data set as built.</summary>
    public static string WritePart10(string path, DeviceDicomObject o)
    {
        var meta = new FileMetaInformation(o.SopClassUid, o.SopInstanceUid, o.TransferSyntaxUid, ImplementationInfo.ClassUid, ImplementationInfo.VersionName, null);
        File.WriteAllBytes(path, [.. Part10Writer.BuildHeader(meta), .. o.DataSet]);
        return path;
    }

    public static (int Exit, string Output, string Errors) Run(string program, params string[] arguments)
    {
        Assert.True(File.Exists(program), $"{program} must be installed for this test");
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, errors.Result);
    }
}
