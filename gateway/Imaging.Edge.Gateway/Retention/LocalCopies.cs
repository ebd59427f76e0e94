using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.Gateway.Intake;

namespace Imaging.Edge.Gateway.Retention;

/// <summary>
/// Deletes local copies whose rows are already committed as evicted: the files, then an fsync of each study folder
/// touched (so the deletion survives a power cut), then the study folders left empty. A file that cannot be deleted
/// stays for start-up recovery, which finishes every evicted row whose file is still there.
/// </summary>
internal static class LocalCopies
{
    /// <summary>Returns how many files were deleted (a file already gone counts as deleted). Does not throw for file trouble.</summary>
    public static int Delete(DataLayout layout, IEnumerable<string> relativePaths, out int failures)
    {
        failures = 0;
        var deleted = 0;
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var relative in relativePaths)
        {
            var path = layout.Absolute(relative);
            try
            {
                File.Delete(path);
                deleted++;
                if (Path.GetDirectoryName(path) is { } folder) folders.Add(folder);
            }
            catch (DirectoryNotFoundException)
            {
                deleted++; // its folder is gone already, and the file with it
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures++;
            }
        }
        var removedFolder = false;
        foreach (var folder in folders)
        {
            try
            {
                if (!Directory.Exists(folder)) continue;
                DirectorySync.Sync(folder);
                // Only study folders, and only empty ones: rmdir refuses a folder that has gained a file meanwhile.
                if (string.Equals(Path.GetDirectoryName(folder), layout.Studies, StringComparison.Ordinal) && !Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    Directory.Delete(folder, recursive: false);
                    removedFolder = true;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // a folder that got a new instance, or cannot be synced: the files are gone either way
            }
        }
        if (removedFolder)
        {
            try
            {
                DirectorySync.Sync(layout.Studies);
            }
            catch (IOException)
            {
                // an empty folder coming back after a power cut is harmless
            }
        }
        return deleted;
    }
}
