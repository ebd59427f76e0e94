using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Intake;

namespace Imaging.Edge.Gateway.Erasure;

/// <summary>
/// A file-system object store inside the data folder — the embedded default <c>{DataDir}/cloud</c> (no
/// <c>Upload:Destination</c>) or a <c>file:</c> folder under <c>Gateway:DataDir</c> — holds full copies of patient data
/// on the box itself: an "uploaded" instance there is not off the box. Erasure deletes those copies without
/// <c>--cloud</c>, and decommissioning refuses while they are the only copies.
/// </summary>
internal static class OnBoxStore
{
    /// <summary>The name the gateway gives a file-system store (<see cref="FileSystemObjectStore"/>'s default), recorded as an instance's destination.</summary>
    public const string FileStoreName = "file";

    /// <summary>The embedded default's folder under the data folder.</summary>
    public const string DefaultFolderName = "cloud";

    /// <summary>The configured primary's folder when it is a file store inside the data folder; otherwise null.</summary>
    public static string? ConfiguredFolder(UploadOptions upload, DataLayout layout)
    {
        var folder = upload.Destination switch
        {
            "" => Path.Combine(layout.Root, DefaultFolderName),
            var d when d.StartsWith("file:", StringComparison.Ordinal) => Path.GetFullPath(d["file:".Length..]),
            _ => null,
        };
        return folder is not null && IsInside(folder, layout.Root) ? folder : null;
    }

    /// <summary>
    /// The on-box store folders that exist: the configured one, and <c>{DataDir}/cloud</c> even when the configuration has
    /// since moved on (what the embedded default received before is still there).
    /// </summary>
    public static IReadOnlyList<string> ExistingFolders(UploadOptions upload, DataLayout layout) =>
        new[] { ConfiguredFolder(upload, layout), Path.Combine(layout.Root, DefaultFolderName) }
            .OfType<string>().Distinct(StringComparer.Ordinal).Where(Directory.Exists).ToList();

    /// <summary>True for a file-system store whose folder is inside the data folder.</summary>
    public static bool Holds(IObjectStore store, DataLayout layout) => store is FileSystemObjectStore && IsInside(store.Location, layout.Root);

    private static bool IsInside(string path, string root)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        var folder = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar);
        return full == folder || full.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }
}
