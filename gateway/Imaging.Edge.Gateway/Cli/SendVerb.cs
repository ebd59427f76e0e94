using System.Diagnostics;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Files;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>
/// <c>imaging-edge send HOST PORT PATH...</c>: C-STORE of Part 10 files over one association, each proposed in its
/// own transfer syntax so that nothing is converted on the way.
/// </summary>
internal static class SendVerb
{
    private const int MaxPresentationContexts = 128; // PS3.8 §9.3.2.2: odd ids 1..255

    private sealed record FileToSend(string Path, string SopClassUid, string TransferSyntaxUid, long Length);

    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var arguments = Arguments.Parse(args, valued: new HashSet<string> { "aet", "aec" }, flags: new HashSet<string> { "quiet" });
        var options = ClientOptionsParser.Parse(arguments, "send HOST PORT PATH...");
        if (arguments.Positional.Count < 3)
            throw new UsageException("usage: imaging-edge send HOST PORT PATH... [--aet CALLING] [--aec CALLED] [--quiet]");
        var quiet = arguments.Flag("quiet");

        var files = FindFiles(arguments.Positional.Skip(2), out var unreadable);
        if (files.Count == 0)
        {
            await Console.Error.WriteLineAsync("no DICOM Part 10 files to send");
            return ExitCodes.Failure;
        }
        var pairs = files.Select(f => (f.SopClassUid, f.TransferSyntaxUid)).Distinct().ToList();
        if (pairs.Count > MaxPresentationContexts)
            throw new UsageException($"these files need {pairs.Count} presentation contexts; one association allows {MaxPresentationContexts}: send them in smaller groups");
        var proposals = pairs.Select((p, i) => new PresentationContextProposal((byte)(2 * i + 1), p.SopClassUid, [p.TransferSyntaxUid])).ToList();

        var totalBytes = files.Sum(f => f.Length);
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        long sentBytes = 0;
        int succeeded = 0, failed = 0;
        await using (var association = await ClientAssociation.ConnectAsync(options, proposals, cancellationToken))
        {
            var progress = new SynchronousProgress(bytes => sentBytes += bytes);
            for (var i = 0; i < files.Count; i++)
            {
                var file = files[i];
                ushort status;
                try
                {
                    status = await association.StoreFileAsync(file.Path, progress, cancellationToken);
                }
                catch (InvalidOperationException e)
                {
                    await Console.Error.WriteLineAsync($"{file.Path}: {e.Message}");
                    failed++;
                    continue;
                }
                if (status == DimseStatus.Success) succeeded++;
                else
                {
                    failed++;
                    await Console.Error.WriteLineAsync($"{file.Path}: status 0x{status:X4}");
                }
                if (!quiet && (clock.Elapsed - lastReport > TimeSpan.FromSeconds(1) || i == files.Count - 1))
                {
                    lastReport = clock.Elapsed;
                    Console.WriteLine($"[{i + 1}/{files.Count}] {sentBytes / 1e6:F1} of {totalBytes / 1e6:F1} MB, {sentBytes / 1e6 / clock.Elapsed.TotalSeconds:F1} MB/s");
                }
            }
            await association.ReleaseAsync(cancellationToken);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"sent {succeeded} of {files.Count} instances, {sentBytes / 1e6:F1} MB in {seconds:F2} s " +
                          $"({succeeded / seconds:F1} instances/s, {sentBytes / 1e6 / seconds:F1} MB/s); {failed} failed, {unreadable} not DICOM");
        return failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static List<FileToSend> FindFiles(IEnumerable<string> paths, out int unreadable)
    {
        var files = new List<FileToSend>();
        unreadable = 0;
        foreach (var path in paths)
        {
            IEnumerable<string> candidates = Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                : File.Exists(path) ? [path] : throw new UsageException($"no such file or folder: {path}");
            foreach (var candidate in candidates)
            {
                try
                {
                    using var stream = File.OpenRead(candidate);
                    var header = Part10Reader.ReadHeader(stream);
                    files.Add(new FileToSend(candidate, header.Meta.MediaStorageSopClassUid, header.Meta.TransferSyntaxUid, stream.Length - header.DataSetOffset));
                }
                catch (Exception e) when (e is DicomFormatException or EndOfStreamException)
                {
                    unreadable++;
                }
            }
        }
        return files;
    }

    /// <summary>Progress reported on the caller's thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
