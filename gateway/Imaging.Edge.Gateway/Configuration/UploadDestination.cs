namespace Imaging.Edge.Gateway.Configuration;

/// <summary>
/// Where <c>Upload:Destination</c> puts objects when it names a folder, and whether that folder is on the box itself.
/// A folder inside the data folder is a development default only: it is no cloud copy (one lost disk loses both), so
/// the service refuses it, decommission counts its objects as not uploaded, and erasure removes them with the rest.
/// </summary>
internal static class UploadDestination
{
    /// <summary>The folder of the file-system store (the default <c>{DataDir}/cloud</c>, or <c>file:PATH</c>); null for S3.</summary>
    public static string? FileStoreFolder(EdgeConfiguration configuration) => configuration.Upload.Destination switch
    {
        "" => Path.Combine(Path.GetFullPath(configuration.Gateway.DataDir), "cloud"),
        "s3" => null,
        var file => Path.GetFullPath(file["file:".Length..]),
    };

    /// <summary>True when the file-system store lies inside <c>Gateway:DataDir</c> (or is it).</summary>
    public static bool IsInsideDataDir(EdgeConfiguration configuration) =>
        FileStoreFolder(configuration) is { } folder && IsWithin(folder, Path.GetFullPath(configuration.Gateway.DataDir));

    private static bool IsWithin(string path, string folder)
    {
        var inner = Path.TrimEndingDirectorySeparator(path) + Path.DirectorySeparatorChar;
        var outer = Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar;
        return inner.StartsWith(outer, StringComparison.Ordinal);
    }
}
