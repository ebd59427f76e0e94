using System.Globalization;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>
/// What <c>send</c> shows while it sends: on a terminal a bar redrawn in place (files, MB, rate, ETA), otherwise (a pipe,
/// a log file) a plain line at most every second and after the last file; nothing with <c>--quiet</c>.
/// </summary>
internal sealed class SendProgress(TextWriter output, SendProgress.Mode mode, int files, long totalBytes)
{
    public enum Mode { Quiet, Lines, Bar }

    private static readonly TimeSpan BarInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(1);
    private const int BarWidth = 24;

    private TimeSpan? _lastDrawn; // null: nothing shown yet
    private int _barLength; // 0: no bar on the line

    /// <summary>The bar only where someone watches: stdout is a terminal (not redirected) and not quiet.</summary>
    public static Mode ModeFor(bool quiet, bool outputRedirected) => quiet ? Mode.Quiet : outputRedirected ? Mode.Lines : Mode.Bar;

    /// <summary>Bytes moved within a file (the bar follows a large file); lines wait for the file to finish.</summary>
    public void Sending(int filesDone, long sentBytes, TimeSpan elapsed)
    {
        if (mode == Mode.Bar && Due(elapsed, BarInterval))
            Draw(filesDone, sentBytes, elapsed);
    }

    /// <summary>A file finished (stored or failed).</summary>
    public void FileDone(int filesDone, long sentBytes, TimeSpan elapsed)
    {
        var last = filesDone == files;
        switch (mode)
        {
            case Mode.Bar when last || Due(elapsed, BarInterval):
                Draw(filesDone, sentBytes, elapsed);
                break;
            case Mode.Lines when last || Due(elapsed, LineInterval):
                _lastDrawn = elapsed;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{filesDone}/{files}] {sentBytes / 1e6:F1} of {totalBytes / 1e6:F1} MB, {Rate(sentBytes, elapsed):F1} MB/s"));
                break;
        }
    }

    /// <summary>Before a message on the terminal: takes the bar off its line (it is drawn again at the next update).</summary>
    public void Clear()
    {
        if (_barLength == 0) return;
        output.Write("\r" + new string(' ', _barLength) + "\r");
        output.Flush();
        _barLength = 0;
    }

    /// <summary>Ends the bar's line so that the summary starts on its own.</summary>
    public void Finish()
    {
        if (_barLength == 0) return;
        output.WriteLine();
        _barLength = 0;
    }

    private bool Due(TimeSpan elapsed, TimeSpan interval) => _lastDrawn is not { } drawn || elapsed - drawn >= interval;

    private void Draw(int filesDone, long sentBytes, TimeSpan elapsed)
    {
        _lastDrawn = elapsed;
        var line = Line(filesDone, files, sentBytes, totalBytes, elapsed);
        // Padded to the previous length: a shorter line must not leave the end of the last one behind.
        output.Write("\r" + line.PadRight(_barLength));
        output.Flush();
        _barLength = Math.Max(line.Length, _barLength);
    }

    /// <summary>One line of the bar: <c>[#####-----]  3/10 files  12.0/40.0 MB  6.0 MB/s  ETA 0:05</c>. Pure, for tests.</summary>
    internal static string Line(int filesDone, int files, long sentBytes, long totalBytes, TimeSpan elapsed)
    {
        var fraction = totalBytes > 0 ? Math.Clamp((double)sentBytes / totalBytes, 0, 1) : files > 0 ? (double)filesDone / files : 1;
        var filled = (int)Math.Round(fraction * BarWidth);
        var rate = Rate(sentBytes, elapsed);
        var eta = sentBytes > 0 && totalBytes > sentBytes && elapsed > TimeSpan.Zero
            ? Clock(TimeSpan.FromSeconds((totalBytes - sentBytes) * elapsed.TotalSeconds / sentBytes))
            : sentBytes >= totalBytes ? "0:00" : "-:--";
        return string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('-', BarWidth - filled)}] {filesDone}/{files} files  {sentBytes / 1e6:F1}/{totalBytes / 1e6:F1} MB  {rate:F1} MB/s  ETA {eta}");
    }

    private static double Rate(long bytes, TimeSpan elapsed) => elapsed > TimeSpan.Zero ? bytes / 1e6 / elapsed.TotalSeconds : 0;

    private static string Clock(TimeSpan t) =>
        t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:D2}");
}
