namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>
/// A small tmpfs mounted under /tmp for real full-disk tests (needs root). Unmounted and removed on dispose.
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    public TmpfsMount(string size)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "imaging-edge-tests", "tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        var result = ProcessRunner.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={size},mode=0700", "tmpfs", Path], TimeSpan.FromSeconds(20))
            .GetAwaiter().GetResult();
        if (result.ExitCode != 0)
        {
            Directory.Delete(Path);
            Assert.Fail($"cannot mount a tmpfs (these tests need root): {result.Output}");
        }
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public long FreeBytes() => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Writes a file of zeros (tmpfs allocates pages for them) until free space is at most <paramref name="leaveFree"/> bytes.</summary>
    public string Fill(string name, long leaveFree)
    {
        var path = Combine(name);
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)0x5A);
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        for (var i = 0; i < 100_000 && FreeBytes() - chunk.Length >= leaveFree; i++)
        {
            file.Write(chunk);
            file.Flush();
        }
        return path;
    }

    public void Dispose()
    {
        var result = ProcessRunner.RunAsync("umount", [Path], TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
        if (result.ExitCode != 0)
            ProcessRunner.RunAsync("umount", ["-l", Path], TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
        try
        {
            Directory.Delete(Path);
        }
        catch (IOException)
        {
        }
    }
}
