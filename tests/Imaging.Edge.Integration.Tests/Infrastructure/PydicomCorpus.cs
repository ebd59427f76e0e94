namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>pydicom's test files (python3-pydicom from Debian): a corpus of real data sets in many transfer syntaxes.</summary>
public static class PydicomCorpus
{
    public const string Folder = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    public static string File(string name)
    {
        var path = Path.Combine(Folder, name);
        Assert.True(System.IO.File.Exists(path), $"{path} is missing: run tests/peers/install.sh");
        return path;
    }
}
