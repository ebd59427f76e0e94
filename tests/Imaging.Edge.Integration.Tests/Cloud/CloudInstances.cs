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
        const string script = """
            import os, sys, pydicom
            from pydicom.dataset import Dataset, FileMetaDataset
            from pydicom.uid import ExplicitVRLittleEndian, generate_uid
            out, mb = sys.argv[1], int(sys.argv[2])
            sc = "1.2.840.10008.5.1.4.1.1.7.3"
            rows = cols = 512
            frame = rows * cols * 2
            frames = max(1, round(mb * 1024 * 1024 / frame))
            uid = generate_uid()
            meta = FileMetaDataset()
            meta.MediaStorageSOPClassUID = sc
            meta.MediaStorageSOPInstanceUID = uid
            meta.TransferSyntaxUID = ExplicitVRLittleEndian
            ds = Dataset()
            ds.file_meta = meta
            ds.SOPClassUID = sc
            ds.SOPInstanceUID = uid
            ds.StudyInstanceUID = generate_uid()
            ds.SeriesInstanceUID = generate_uid()
            ds.PatientName = "Cloud^Large"
            ds.PatientID = "CLOUD0001"
            ds.StudyDate = "20240101"
            ds.StudyTime = "120000"
            ds.AccessionNumber = ""
            ds.ReferringPhysicianName = ""
            ds.StudyID = "1"
            ds.SeriesNumber = 1
            ds.InstanceNumber = 1
            ds.Modality = "OT"
            ds.ConversionType = "WSD"
            ds.SamplesPerPixel = 1
            ds.PhotometricInterpretation = "MONOCHROME2"
            ds.NumberOfFrames = frames
            ds.Rows = rows
            ds.Columns = cols
            ds.BitsAllocated = 16
            ds.BitsStored = 16
            ds.HighBit = 15
            ds.PixelRepresentation = 0
            ds.PixelData = os.urandom(frames * frame)
            ds["PixelData"].VR = "OW"
            path = os.path.join(out, "large.dcm")
            if int(pydicom.__version__.split(".")[0]) >= 3:
                pydicom.dcmwrite(path, ds, enforce_file_format=True)
            else:
                ds.save_as(path, write_like_original=False)
            print(path)
            """;
        var result = ProcessRunner.RunAsync(Peers.Python, ["-c", script, folder, megabytes.ToString(CultureInfo.InvariantCulture)]).GetAwaiter().GetResult();
        Assert.True(result.ExitCode == 0, result.Output);
        return result.StandardOutput.Trim();
    }
}
