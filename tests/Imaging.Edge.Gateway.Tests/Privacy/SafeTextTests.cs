using Imaging.Edge.Gateway.Privacy;

namespace Imaging.Edge.Gateway.Tests.Privacy;

public sealed class SafeTextTests
{
    [Theory]
    [InlineData("CT_SCANNER_1", "CT_SCANNER_1")]
    [InlineData("\x1b[2Jcleared", "\\x1B[2Jcleared")]
    [InlineData("line\nforged: info", "line\\x0Aforged: info")]
    [InlineData("bell\a\r", "bell\\x07\\x0D")]
    [InlineData("c1\u009bcsi\u007f", "c1\\x9Bcsi\\x7F")]
    [InlineData("Müller ünïcode", "Müller ünïcode")]
    public void Printable_escapes_control_characters_only(string text, string expected) =>
        Assert.Equal(expected, SafeText.Printable(text));

    [Theory]
    [InlineData("upload postponed: Could not find '/var/lib/imaging-edge/studies/1.2.840.113619.2.55.3/x.dcm'", "upload postponed: Could not find '[path]'")]
    [InlineData("study 1.2.826.0.1.3680043.8.498.12345 failed", "study [uid] failed")]
    [InlineData("uuid uid 2.25.329800735698586629295641978511506172918 here", "uuid uid [uid] here")]
    [InlineData("from 127.0.0.1:104 at 20 MB/s", "from 127.0.0.1:104 at 20 MB/s")]
    [InlineData("endpoint http://127.0.0.1:9000/bucket refused", "endpoint http://127.0.0.1:9000/bucket refused")]
    [InlineData("version 1.2.3 of imaging-edge/v1/site/gw", "version 1.2.3 of imaging-edge/v1/site/gw")]
    [InlineData("AE \x1b[31mRED", "AE \\x1B[31mRED")]
    public void ForOps_removes_uids_and_absolute_paths_and_keeps_addresses_rates_and_topics(string text, string expected) =>
        Assert.Equal(expected, SafeText.ForOps(text));
}
