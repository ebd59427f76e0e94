namespace Imaging.Edge.Gateway.Erasure;

/// <summary>Removes files and folders for decommissioning, counting them; a failure is recorded, not thrown (the report lists it).</summary>
internal sealed class FileWipe
{
    public int Files { get; private set; }
    public int Folders { get; private set; }
    public int Secrets { get; private set; }
    public List<string> Problems { get; } = [];

    /// <param name="overwrite">Zeroes a secret before unlinking it: best effort on a journaling file system, meaningless on
    /// flash (wear levelling keeps the old block), hence the note in the summary.</param>
    public void File(string path, bool overwrite)
    {
        try
        {
            if (!System.IO.File.Exists(path)) return;
            if (overwrite)
            {
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
                {
                    stream.Write(new byte[stream.Length]);
                    stream.Flush(flushToDisk: true);
                }
                Secrets++;
            }
            System.IO.File.Delete(path);
            Files++;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Problems.Add($"{path} ({e.GetType().Name})");
        }
    }

    public void Folder(string path)
    {
        if (!Directory.Exists(path)) return;
        try
        {
            Files += Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Count();
            Folders += Directory.EnumerateDirectories(path, "*", SearchOption.AllDirectories).Count() + 1;
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Problems.Add($"{path} ({e.GetType().Name})");
        }
    }
}
