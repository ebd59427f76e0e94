using System.Security.Cryptography;
using System.Text;
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
            DurableFileSystem.SyncDirectory(Path.GetDirectoryName(dir)!);
        }
    }

    /// <summary>Paths in the queue are relative to the data folder, so that the folder can move.</summary>
    public string Relative(string absolutePath) => Path.GetRelativePath(Root, absolutePath);

    public string Absolute(string relativePath) => Path.Combine(Root, relativePath);

    public string NewSpoolPath() => Path.Combine(Spool, Guid.NewGuid().ToString("N") + SpoolExtension);

    public string StudyDirectory(string? studyInstanceUid) => Path.Combine(Studies, SafeName(studyInstanceUid ?? "no-study"));

    public static string InstanceFileName(string sopInstanceUid, int version) =>
        version == 0 ? SafeName(sopInstanceUid) + ".dcm" : $"{SafeName(sopInstanceUid)}.v{version}.dcm";

    /// <summary>
    /// UIDs are digits and dots, safe as file names. Anything else (a broken device, a hostile peer) is replaced by a
    /// hash so that no value from the wire can name a path outside the data folder.
    /// </summary>
    public static string SafeName(string value)
    {
        if (value.Length is > 0 and <= 64 && value.All(c => c is (>= '0' and <= '9') or '.') && value[0] != '.')
            return value;
        if (value == "no-study") return value;
        return "x" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];
    }

    public static DataLayout From(GatewayOptions options) => new(options.DataDir);
}
