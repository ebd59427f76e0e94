using System.Text.Json.Nodes;
using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Link.EscapedBinary;
using Imaging.Edge.Devices.Link.Line;
using Imaging.Edge.Devices.Link.StxEtx;
using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Devices.Tests.Link;
using Microsoft.Extensions.Time.Testing;
using static Imaging.Edge.Devices.Tests.Link.Frames;

namespace Imaging.Edge.Devices.Tests.Profiles;

/// <summary>
/// The <c>link</c> section for stx-etx, escaped-binary and line: the examples of docs/devices.md load, build their link
/// through <see cref="DeviceLinks"/> and receive what a device sends; the rules reject what would be ignored or unsafe.
/// </summary>
public sealed class LinkProfileTests
{
    /// <summary>(a) NIDEK RT-5100 style: SOH header line, STX…CR records, EOT; no check, no replies.</summary>
    internal const string Refractor = """
        { "protocol": "stx-etx", "framing": { "start": [1, 2], "end": [13], "endOfMessage": 4 },
          "maxFrameSize": 256, "maxMessageSize": 8192, "receiverTimeoutSeconds": 10 }
        """;

    /// <summary>(b) STX text ETX C1 C2: sum8 as two hex digits over text and ETX, ACK/NAK.</summary>
    internal const string Checked = """
        { "protocol": "stx-etx", "framing": { "start": [2], "end": [3] },
          "checksum": { "kind": "sum8", "encoding": "hex", "position": "after-end", "includesEnd": true },
          "replies": { "ack": 6, "nak": 21 }, "maxFrameSize": 1024 }
        """;

    /// <summary>(c) PPP-style: 0x7E flags, 0x7D ^ 0x20, FCS-16 (CRC-16/X-25, little-endian), ACK/NAK.</summary>
    internal const string Ppp = """
        { "protocol": "escaped-binary", "escape": { "startFlag": 126, "endFlag": 126, "escape": 125, "xor": 32 },
          "checksum": { "kind": "crc16-x25" }, "replies": { "ack": 6, "nak": 21 }, "maxFrameSize": 2048 }
        """;

    internal const string Lines = """
        { "protocol": "line", "line": { "delimiter": [13, 10], "grouping": "blank-line", "idleEndSeconds": 2 }, "maxFrameSize": 200 }
        """;

    private static JsonObject ProfileWith(string link)
    {
        var profile = JsonNode.Parse(File.ReadAllText(Path.Combine(ShippedProfiles.Directory, "astm-e1394.json")))!.AsObject();
        profile["link"] = JsonNode.Parse(link);
        return profile;
    }

    private static (HardwareProfile? Profile, IReadOnlyList<string> Errors) Load(JsonObject profile)
    {
        var load = ProfileLoader.Load("test", profile.ToJsonString());
        return (load.Profile, [.. load.Errors.Select(e => e.ToString())]);
    }

    private static LinkSettings LinkOf(string link)
    {
        var (profile, errors) = Load(ProfileWith(link));
        Assert.Empty(errors);
        return profile!.Link;
    }

    [Fact]
    public void Refractor_example_receives_a_header_and_records_up_to_eot()
    {
        var settings = LinkOf(Refractor);
        var options = StxEtxOptions.From(settings);
        var handler = new LinkRecorder();
        using var link = DeviceLinks.Create(settings, handler, new FakeTimeProvider());

        Assert.IsType<StxEtxLink>(link);
        link.Receive([.. Framed(options, "HEADER", start: Soh), .. Framed(options, "OR+ 1.25- 1.25150"), Eot]);

        Assert.Equal(["HEADER\rOR+ 1.25- 1.25150"], handler.Texts);
        Assert.False(handler.Messages[0].AwaitsAcknowledgement);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ReceiverTimeout);
    }

    [Fact]
    public void Checked_example_defers_its_ack_and_naks_a_bad_sum()
    {
        var settings = LinkOf(Checked);
        var handler = new LinkRecorder();
        using var link = DeviceLinks.Create(settings, handler, new FakeTimeProvider());
        var frame = Framed(StxEtxOptions.From(settings), "GLU|5.4");

        Assert.Equal([Stx, .. Latin1("GLU|5.4"), Etx, (byte)'F', (byte)'E'], frame); // sum of "GLU|5.4" and ETX = 0x1FE
        link.Receive(frame);
        Assert.True(link.Acknowledge(1, durable: true));
        frame[^1] = (byte)'F';
        link.Receive(frame);

        Assert.Equal([Ack, Nak], handler.Take());
        Assert.Equal(["GLU|5.4"], handler.Texts);
    }

    [Fact]
    public void Ppp_example_receives_an_fcs16_frame()
    {
        var settings = LinkOf(Ppp);
        var handler = new LinkRecorder();
        using var link = DeviceLinks.Create(settings, handler, new FakeTimeProvider());

        Assert.IsType<EscapedBinaryLink>(link);
        link.Receive(Escaped(EscapedBinaryOptions.From(settings), [0x7E, 0x01, 0x02]));

        Assert.Equal([0x7E, 0x01, 0x02], Assert.Single(handler.Messages).Text);
        Assert.True(link.Acknowledge(1, durable: true));
        Assert.Equal([Ack], handler.Take());
    }

    [Fact]
    public void Line_example_groups_lines_up_to_a_blank_one()
    {
        var settings = LinkOf(Lines);
        var handler = new LinkRecorder();
        using var link = DeviceLinks.Create(settings, handler, new FakeTimeProvider());

        Assert.IsType<LineLink>(link);
        link.Receive(Frames.Lines("\r\n", "A", "B", ""));

        Assert.Equal(["A\r\nB"], handler.Texts);
    }

    [Fact]
    public void Each_protocols_required_parameters_and_no_others()
    {
        Assert.Equal(["$.link.framing: is required for the stx-etx protocol"], Load(ProfileWith("""{ "protocol": "stx-etx" }""")).Errors);
        Assert.Equal(["$.link.escape: is required for the escaped-binary protocol"], Load(ProfileWith("""{ "protocol": "escaped-binary" }""")).Errors);
        Assert.Equal(["$.link.line: is required for the line protocol"], Load(ProfileWith("""{ "protocol": "line" }""")).Errors);
        Assert.Equal(
        [
            "$.link.senderTimeoutSeconds: is only for the astm-e1381 protocol",
            "$.link.maxAttempts: is only for the astm-e1381 protocol",
            "$.link.messageEnd: is only for the astm-e1381 protocol",
            "$.link.escape: is only for the escaped-binary protocol",
            "$.link.line: is only for the line protocol",
        ], Load(ProfileWith("""
            { "protocol": "stx-etx", "framing": { "start": [2], "end": [3] }, "senderTimeoutSeconds": 15, "maxAttempts": 6,
              "messageEnd": "etx-frame", "escape": { "startFlag": 126, "endFlag": 126, "escape": 125, "xor": 32 },
              "line": { "delimiter": [13] } }
            """)).Errors);
        Assert.Equal(["$.link.framing: is only for the stx-etx protocol", "$.link.checksum: is only for the stx-etx and escaped-binary protocols"],
            Load(ProfileWith("""{ "protocol": "astm-e1381", "framing": { "start": [2], "end": [3] }, "checksum": { "kind": "sum8" } }""")).Errors);
    }

    [Fact]
    public void Bytes_sizes_and_unsafe_combinations_are_rejected_with_their_paths()
    {
        Assert.Equal(
        [
            "$.link.maxFrameSize: must be 2 to 65536",
            "$.link.maxMessageSize: must be 1 to 16777216",
            "$.link.maxMessageSize: must be at least maxFrameSize (70000)",
            "$.link.framing.start[1]: must be a byte, 0 to 255",
            "$.link.framing.end: must not share a byte with start",
            "$.link.framing.endOfMessage: must differ from the start and end bytes",
            "$.link.checksum.encoding: binary before the end byte could hold the end byte: use hex, or position after-end",
            "$.link.checksum.includesEnd: the end byte comes after a check before it",
            "$.link.replies.nak: must differ from ack",
        ], Load(ProfileWith("""
            { "protocol": "stx-etx", "maxFrameSize": 70000, "maxMessageSize": 0,
              "framing": { "start": [2, 256], "end": [2, 3], "endOfMessage": 3 },
              "checksum": { "kind": "crc16-xmodem", "encoding": "binary", "position": "before-end", "includesEnd": true },
              "replies": { "ack": 6, "nak": 6 } }
            """)).Errors);
        Assert.Equal(
        [
            "$.link.checksum.encoding: must be binary for escaped-binary (the check ends the unescaped frame)",
            "$.link.escape.xor: must be 1 to 255 (an escaped flag must not stay a flag)",
            "$.link.escape.escape: must differ from the flags",
            "$.link.length.width: must be 1 or 2",
        ], Load(ProfileWith("""
            { "protocol": "escaped-binary", "escape": { "startFlag": 126, "endFlag": 126, "escape": 126, "xor": 0 },
              "length": { "offset": 0, "width": 3, "counts": "payload" }, "checksum": { "kind": "crc16-x25", "encoding": "hex" } }
            """)).Errors);
        Assert.Equal(
        [
            "$.link.receiverTimeoutSeconds: is not for the line protocol (silence ends a line's text: link.line.idleEndSeconds)",
            "$.link.line.delimiter: must hold 1 to 16 bytes",
            "$.link.line.terminatorLine: is required for the terminator-line grouping",
        ], Load(ProfileWith("""
            { "protocol": "line", "receiverTimeoutSeconds": 5, "line": { "delimiter": [], "grouping": "terminator-line" } }
            """)).Errors);
    }

    [Fact]
    public void A_checksum_kind_not_in_the_list_is_a_shape_error()
    {
        var errors = Load(ProfileWith("""{ "protocol": "stx-etx", "framing": { "start": [2], "end": [3] }, "checksum": { "kind": "crc32" } }""")).Errors;

        Assert.Equal(["$.link.checksum.kind: must be one of \"sum8\", \"xor8\", \"crc16-arc\", \"crc16-ccitt-false\", \"crc16-xmodem\", \"crc16-kermit\", \"crc16-x25\", not the string \"crc32\""], errors);
    }
}
