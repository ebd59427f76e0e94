using Imaging.Edge.CloudSync.Stores;

namespace Imaging.Edge.Gateway.Intake;

/// <summary>
/// The one piece .NET does not offer: fsync of a directory, which makes a rename or a new entry survive a power loss
/// (POSIX leaves directory entries in the page cache until the directory itself is synced). Implemented once, in
/// CloudSync's <see cref="DirectorySync"/> (plain O_RDONLY: no O_DIRECTORY, whose value differs on arm64).
/// </summary>
internal static class DurableFileSystem
{
    /// <summary>fsyncs the directory. Throws <see cref="IOException"/> when it cannot.</summary>
    public static void SyncDirectory(string path) => DirectorySync.Sync(path);
}
