using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Hosting;

/// <summary>
/// The real executable with <c>JOURNAL_STREAM</c> naming its standard output, as systemd sets it for
/// <c>StandardOutput=journal</c>: every entry goes to journald's native socket (here the test's own, named by the
/// test-only <c>IMAGING_EDGE_TEST_JOURNAL_SOCKET</c>) with its priority and its template's fields.
/// </summary>
public sealed class JournalTests
{
    private static readonly SyntheticPatient Patient = new("PID-CANARY-7731", "CANARY^JOURNAL", "19470312");

    [Fact]
    public async Task Entries_carry_their_priority_and_template_fields_and_no_patient_data()
    {
        using var folder = new TemporaryDirectory();
        using var journal = new UnixDatagramSink(folder.Combine("journal.sock"));
        var port = GatewayProcess.FreePort();
        await using var gateway = GatewayProcess.Start(["run"], new Dictionary<string, string>
        {
            ["IMAGING_EDGE_TEST_JOURNAL_SOCKET"] = journal.Path,
            ["IMAGING_EDGE__Gateway__DataDir"] = folder.Combine("data"),
            ["IMAGING_EDGE__Gateway__SiteId"] = "site-hk-7",
            ["IMAGING_EDGE__Gateway__GatewayId"] = "edge-42",
            ["IMAGING_EDGE__Dicom__Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1",
            // Below the reserve from the start: the C-STORE is refused with a warning that names its figures.
            ["IMAGING_EDGE__Retention__ReserveMegabytes"] = "100000000",
        }, folder.Path, journalStream: true);
        await gateway.WaitForPortAsync(port, TimeSpan.FromSeconds(60));

        var study = SyntheticStudies.Write(folder.Combine("send"), 1, 1, Patient).Single();
        var store = await ProcessRunner.RunAsync("storescu", ["-v", "-aec", "IMAGING_EDGE", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), study.Files[0]],
            TimeSpan.FromSeconds(30));
        Assert.Contains("Refused: OutOfResources", store.Output, StringComparison.Ordinal);

        var refused = Entry(journal.WaitFor(d => Entry(d).TryGetValue("MESSAGE", out var m) && m.StartsWith("Refusing instance", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), () => gateway.Output));
        Assert.Equal("4", refused["PRIORITY"]);
        Assert.Equal("100000000", refused["RESERVE_MEGABYTES"]);
        Assert.True(long.TryParse(refused["FREE_MEGABYTES"], CultureInfo.InvariantCulture, out _), refused["FREE_MEGABYTES"]);
        Assert.True(refused.ContainsKey("ASSOCIATION_ID"));
        Assert.Equal("site-hk-7", refused["SITE"]);
        Assert.Equal("edge-42", refused["GATEWAY"]);
        Assert.Equal("imaging-edge", refused["SYSLOG_IDENTIFIER"]);
        Assert.Equal("2000", refused["EVENT_ID"]);

        var listening = Entry(journal.Received.Single(d => Entry(d).TryGetValue("MESSAGE", out var m) && m.StartsWith("DICOM server listening on", StringComparison.Ordinal)));
        Assert.Equal("6", listening["PRIORITY"]);
        Assert.Equal("IMAGING_EDGE", listening["AE_TITLE"]);

        gateway.Terminate();
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        // journalctl -p warning: warnings and errors only, and every warning or error of this run is among them.
        var entries = journal.Received.Select(Entry).ToList();
        Assert.All(entries, e => Assert.Contains(e["PRIORITY"], new[] { "2", "3", "4", "6", "7" }));
        Assert.Contains(entries, e => e["PRIORITY"] == "4" && e["EVENT_ID"] == "2000");
        Assert.DoesNotContain(entries, e => e["PRIORITY"] == "4" && e["MESSAGE"].StartsWith("DICOM server listening on", StringComparison.Ordinal));
        // Nothing twice: under the journal, standard output carries no log lines.
        Assert.DoesNotContain("Refusing instance", gateway.Output, StringComparison.Ordinal);
        var everything = string.Join("\n", journal.Received.Select(d => Encoding.UTF8.GetString(d)));
        foreach (var canary in new[] { Patient.Id, "CANARY", Patient.BirthDate, study.StudyUid })
            Assert.DoesNotContain(canary, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_matching_journal_stream_the_console_keeps_its_lines()
    {
        using var folder = new TemporaryDirectory();
        using var journal = new UnixDatagramSink(folder.Combine("journal.sock"));
        var port = GatewayProcess.FreePort();
        await using var gateway = GatewayProcess.Start(["run"], new Dictionary<string, string>
        {
            ["IMAGING_EDGE_TEST_JOURNAL_SOCKET"] = journal.Path,
            // Inherited from a shell that systemd's journal started, but not this process's output: not ours.
            ["JOURNAL_STREAM"] = "9:123456789",
            ["IMAGING_EDGE__Gateway__DataDir"] = folder.Combine("data"),
            ["IMAGING_EDGE__Dicom__Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1",
        }, folder.Path);
        await gateway.WaitForPortAsync(port, TimeSpan.FromSeconds(60));
        gateway.Terminate();
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("info: Imaging.Edge.Dicom.Network.DicomServer", gateway.Output, StringComparison.Ordinal);
        Assert.Empty(journal.Received);
    }

    /// <summary>
    /// One native-protocol datagram: <c>KEY=value\n</c>, or for a value that holds a newline <c>KEY\n</c>, its length
    /// as 64-bit little-endian, the bytes, <c>\n</c> (systemd's "Native Journal Protocol").
    /// </summary>
    private static Dictionary<string, string> Entry(byte[] datagram)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = datagram.AsSpan();
        while (rest.Length > 0)
        {
            var newline = rest.IndexOf((byte)'\n');
            var equals = rest.IndexOf((byte)'=');
            if (equals >= 0 && equals < newline)
            {
                fields[Encoding.UTF8.GetString(rest[..equals])] = Encoding.UTF8.GetString(rest[(equals + 1)..newline]);
                rest = rest[(newline + 1)..];
            }
            else
            {
                var name = Encoding.UTF8.GetString(rest[..newline]);
                var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(rest[(newline + 1)..]);
                fields[name] = Encoding.UTF8.GetString(rest.Slice(newline + 9, length));
                rest = rest[(newline + 9 + length + 1)..];
            }
        }
        return fields;
    }
}
