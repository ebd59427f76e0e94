namespace Imaging.Edge.Tests;

/// <summary>
/// Files of this repository, found from the test's output folder (the folder holding Imaging.Edge.sln). One copy for
/// every test project (linked from tests/Shared by each .csproj).
/// </summary>
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
