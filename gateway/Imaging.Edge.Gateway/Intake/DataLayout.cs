using System.Security.Cryptography;
using System.Text;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.Gateway.Configuration;

namespace Imaging.Edge.Gateway.Intake;

/// <summary>
/// Where things live under <c>Gateway:DataDir</c>:
/// <c>spool/</c> holds data sets still arriving (never acknowledged), <c>studies/{study}/{instance}.dcm</c> the received ones,
/// <c>queue.db</c> the queue, <c>quarantine/</c> unreadable files found at start-up.
/// </summary>
internal sealed class DataLayout
{
    public DataLayout(string dataDir)
    {
        Root = Path.GetFullPath(dataDir);
        Spool = Path.Combine(Root, "spool");
        Studies = Path.Combine(Root, "studies");
        Quarantine = Path.Combine(Root, "quarantine");
    }

    public string Root { get; }
    public string Spool { get; }
    public string Studies { get; }
    public string Quarantine { get; }

    public const string SpoolExtension = ".part";

    /// <summary>Creates the folders and makes their entries durable.</summary>
    public void EnsureCreated()
    {
        foreach (var dir in new[] { Root, Spool, Studies })
        {
            if (Directory.Exists(dir)) continue;
            Directory.CreateDirectory(dir);
            DirectorySync.Sync(Path.GetDirectoryName(dir)!);
        }
    }

    /// <summary>Paths in the queue are relative to the data folder, so that the folder can move.</summary>
    public string Relative(string absolutePath) => Path.GetRelativePath(Root, absolutePath);

    public string Absolute(string relativePath) => Path.Combine(Root, relativePath);

    public string NewSpoolPath() => Path.Combine(Spool, Guid.NewGuid().ToString("N") + SpoolExtension);

    /// <summary>The folder of instances without a Study Instance UID. No value from the wire can name it: see <see cref="SafeName"/>.</summary>
    public const string NoStudyFolder = "no-study";

    /// <summary>
    /// A study's folder. Instances without a Study UID (absent or empty: both are stored as "") share
    /// <see cref="NoStudyFolder"/>; a Study UID literally spelled <c>no-study</c> is not a UID and gets a hashed name,
    /// so that erasing its patient cannot sweep the folder of other patients' instances.
    /// </summary>
    public string StudyDirectory(string? studyInstanceUid) =>
        Path.Combine(Studies, string.IsNullOrEmpty(studyInstanceUid) ? NoStudyFolder : SafeName(studyInstanceUid));

    public static string InstanceFileName(string sopInstanceUid, int version) =>
        version == 0 ? SafeName(sopInstanceUid) + ".dcm" : $"{SafeName(sopInstanceUid)}.v{version}.dcm";

    /// <summary>
    /// UIDs are digits and dots, safe as file names, and used as they are. Anything else (a broken device, a hostile
    /// peer, a reserved name such as <see cref="NoStudyFolder"/>, an empty value) becomes <c>x</c> and 32 hex digits of
    /// its SHA-256: no UID starts with a letter and no reserved name has that form, so no value from the wire can name
    /// a path outside the data folder or another value's folder. These names are what earlier versions made (rows keep
    /// their paths; new instances of a study go to the folder its first ones are in).
    /// </summary>
    public static string SafeName(string value)
    {
        if (value.Length is > 0 and <= 64 && value.All(c => c is (>= '0' and <= '9') or '.') && value[0] != '.')
            return value;
        return "x" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];
    }

    public static DataLayout From(GatewayOptions options) => new(options.DataDir);
}
