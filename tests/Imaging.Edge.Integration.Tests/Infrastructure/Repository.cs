namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>Files of this repository, found from the test's output folder (the folder holding Imaging.Edge.sln).</summary>
internal static class Repository
{
    public static string File(params string[] parts)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !System.IO.File.Exists(Path.Combine(directory.FullName, "Imaging.Edge.sln")))
            directory = directory.Parent;
        Assert.NotNull(directory);
        return Path.Combine([directory.FullName, .. parts]);
    }
}
