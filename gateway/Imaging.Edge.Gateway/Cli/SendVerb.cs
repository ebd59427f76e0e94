using System.CommandLine;
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

    public static Command Create()
    {
        var peer = new DicomPeerArguments();
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Part 10 files or folders (searched recursively; files that are not DICOM are counted and skipped).",
            Arity = ArgumentArity.OneOrMore,
        };
        var quiet = new Option<bool>("--quiet") { Description = "No progress; only the summary and errors." };
        var command = new Command("send",
            "Send DICOM files to a peer with C-STORE over one association, each file in its own transfer syntax (nothing is " +
            "converted). Shows a progress bar on a terminal, a line a second otherwise. Exit 1 when a file was refused, 3 when the peer does not answer.");
        peer.AddTo(command);
        command.Add(paths);
        command.Add(quiet);
        command.SetAction((parse, cancellationToken) =>
            ExecuteAsync(peer.Options(parse), parse.GetRequiredValue(paths), parse.GetValue(quiet), cancellationToken));
        return command;
    }

    public static async Task<int> ExecuteAsync(DicomClientOptions options, IReadOnlyList<string> paths, bool quiet, CancellationToken cancellationToken)
    {
        var files = FindFiles(paths, out var unreadable);
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
        var display = new SendProgress(Console.Out, SendProgress.ModeFor(quiet, Console.IsOutputRedirected), files.Count, totalBytes);
        long sentBytes = 0;
        int succeeded = 0, failed = 0, done = 0;
        await using (var association = await DicomPeer.ConnectAsync(options, proposals, cancellationToken))
        {
            var progress = new SynchronousProgress(bytes =>
            {
                sentBytes += bytes;
                display.Sending(done, sentBytes, clock.Elapsed);
            });
            foreach (var file in files)
            {
                ushort status;
                try
                {
                    status = await association.StoreFileAsync(file.Path, progress, cancellationToken);
                }
                catch (InvalidOperationException e)
                {
                    display.Clear();
                    await Console.Error.WriteLineAsync($"{file.Path}: {e.Message}");
                    failed++;
                    display.FileDone(++done, sentBytes, clock.Elapsed);
                    continue;
                }
                if (status == DimseStatus.Success) succeeded++;
                else
                {
                    failed++;
                    display.Clear();
                    await Console.Error.WriteLineAsync($"{file.Path}: status 0x{status:X4}");
                }
                display.FileDone(++done, sentBytes, clock.Elapsed);
            }
            display.Finish();
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
