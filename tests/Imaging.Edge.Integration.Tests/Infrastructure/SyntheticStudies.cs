using System.Globalization;
using System.Text.Json;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>Patient attributes to write into synthetic studies (each a canary a test can search for).</summary>
public sealed record SyntheticPatient(string Id, string Name, string BirthDate, string? Issuer = null, string? OtherIds = null);

/// <summary>One written study: its Study Instance UID and its files.</summary>
public sealed record SyntheticStudy(string StudyUid, IReadOnlyList<string> Files);

/// <summary>
/// New studies written by pydicom from the corpus CT: every study gets new Study and Series Instance UIDs, every
/// instance a new SOP Instance UID, and — when given — the patient's attributes. Trailing padding is dropped, as
/// dcmtk drops it when it sends, so that what storescu sends is the file's data set.
/// </summary>
public static class SyntheticStudies
{
    private const string Script = """
        import sys, json, pydicom
        from pydicom.uid import generate_uid
        src, out, studies, per, patient = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), json.loads(sys.argv[5])
        ds = pydicom.dcmread(src)
        if 0xFFFCFFFC in ds: del ds[0xFFFCFFFC]
        if patient:
            ds.PatientID = patient['Id']
            ds.PatientName = patient['Name']
            ds.PatientBirthDate = patient['BirthDate']
            if patient.get('Issuer'): ds.IssuerOfPatientID = patient['Issuer']
            if patient.get('OtherIds'): ds.OtherPatientIDs = patient['OtherIds']
        for s in range(studies):
            ds.StudyInstanceUID = generate_uid()
            ds.SeriesInstanceUID = generate_uid()
            print(ds.StudyInstanceUID)
            for i in range(per):
                ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
                ds.save_as(f'{out}/s{s:04d}i{i:04d}.dcm', write_like_original=False)
        """;

    public static IReadOnlyList<SyntheticStudy> Write(string folder, int studies, int instancesPerStudy, SyntheticPatient? patient = null)
    {
        Directory.CreateDirectory(folder);
        var result = ProcessRunner.RunAsync(Peers.Python, ["-c", Script, PydicomCorpus.File("CT_small.dcm"), folder,
            studies.ToString(CultureInfo.InvariantCulture), instancesPerStudy.ToString(CultureInfo.InvariantCulture),
            patient is null ? "null" : JsonSerializer.Serialize(patient)]).GetAwaiter().GetResult();
        Assert.True(result.ExitCode == 0, result.Output);
        var uids = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(studies, uids.Length);
        return uids.Select((uid, s) => new SyntheticStudy(uid,
            Directory.EnumerateFiles(folder, string.Create(CultureInfo.InvariantCulture, $"s{s:0000}i*.dcm")).Order(StringComparer.Ordinal).ToList())).ToList();
    }
}
