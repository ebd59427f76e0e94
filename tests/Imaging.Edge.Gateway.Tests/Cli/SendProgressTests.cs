using Imaging.Edge.Gateway.Cli;

namespace Imaging.Edge.Gateway.Tests.Cli;

public sealed class SendProgressTests
{
    [Fact]
    public void Bar_line_shows_files_megabytes_rate_and_the_time_left()
    {
        var line = SendProgress.Line(filesDone: 3, files: 10, sentBytes: 12_000_000, totalBytes: 48_000_000, TimeSpan.FromSeconds(2));

        Assert.Equal("[######------------------] 3/10 files  12.0/48.0 MB  6.0 MB/s  ETA 0:06", line);
    }

    [Fact]
    public void Bar_line_before_any_byte_has_no_estimate_and_after_the_last_one_none_left()
    {
        Assert.EndsWith("0.0 MB/s  ETA -:--", SendProgress.Line(0, 2, 0, 1_000_000, TimeSpan.Zero), StringComparison.Ordinal);
        Assert.StartsWith("[########################] 2/2 files", SendProgress.Line(2, 2, 1_000_000, 1_000_000, TimeSpan.FromSeconds(1)), StringComparison.Ordinal);
        Assert.EndsWith("ETA 0:00", SendProgress.Line(2, 2, 1_000_000, 1_000_000, TimeSpan.FromSeconds(1)), StringComparison.Ordinal);
        Assert.EndsWith("ETA 1:00:00", SendProgress.Line(1, 2, 1_000_000, 2_000_000, TimeSpan.FromHours(1)), StringComparison.Ordinal);
    }

    [Fact]
    public void Bar_is_redrawn_in_place_and_its_line_ended_before_the_summary()
    {
        var output = new StringWriter();
        var progress = new SendProgress(output, SendProgress.Mode.Bar, files: 2, totalBytes: 2_000_000);

        progress.Sending(0, 500_000, TimeSpan.FromSeconds(0.5));
        progress.FileDone(1, 1_000_000, TimeSpan.FromSeconds(1));
        progress.FileDone(2, 2_000_000, TimeSpan.FromSeconds(2));
        progress.Finish();

        var text = output.ToString();
        Assert.Equal(3, text.Count(c => c == '\r'));
        Assert.DoesNotContain('\n', text.TrimEnd('\n', '\r'));
        Assert.EndsWith("2/2 files  2.0/2.0 MB  1.0 MB/s  ETA 0:00" + Environment.NewLine, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_terminal_a_plain_line_at_most_each_second_and_after_the_last_file_and_nothing_when_quiet()
    {
        Assert.Equal(SendProgress.Mode.Lines, SendProgress.ModeFor(quiet: false, outputRedirected: true));
        Assert.Equal(SendProgress.Mode.Bar, SendProgress.ModeFor(quiet: false, outputRedirected: false));
        Assert.Equal(SendProgress.Mode.Quiet, SendProgress.ModeFor(quiet: true, outputRedirected: false));
        var output = new StringWriter();
        var progress = new SendProgress(output, SendProgress.Mode.Lines, files: 3, totalBytes: 3_000_000);

        progress.Sending(0, 500_000, TimeSpan.FromSeconds(0.1));
        progress.FileDone(1, 1_000_000, TimeSpan.FromSeconds(0.2));
        progress.FileDone(2, 2_000_000, TimeSpan.FromSeconds(0.4));
        progress.FileDone(3, 3_000_000, TimeSpan.FromSeconds(0.5));
        progress.Finish();

        Assert.Equal(["[1/3] 1.0 of 3.0 MB, 5.0 MB/s", "[3/3] 3.0 of 3.0 MB, 6.0 MB/s", ""], output.ToString().Split(Environment.NewLine));
    }
}
