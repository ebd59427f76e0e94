using System.Text;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Network.Pdus;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Receiver;

/// <summary>
/// Strings from the wire reach a person's terminal: the gateway's log (journald, <c>journalctl -f</c>) and
/// <c>imaging-edge queue list/show</c>. A calling AE title or a UID with escape sequences must not clear the screen,
/// recolour it or forge a log line there: control characters are shown as <c>\xNN</c>.
/// </summary>
public sealed class WireTextInjectionTests
{
    private const string Escape = "\x1b";

    [Fact]
    public async Task Control_characters_from_the_wire_are_escaped_in_the_log_and_in_queue_output()
    {
        using var folder = new TemporaryDirectory();
        var port = GatewayProcess.FreePort();
        var data = folder.Combine("var");
        await using var gateway = GatewayProcess.Start(["run"], new Dictionary<string, string>
        {
            ["IMAGING_EDGE__Dicom__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1",
            ["IMAGING_EDGE__Upload__Destination"] = "file:" + folder.Combine("bucket"),
        }, folder.Path);
        await gateway.WaitForPortAsync(port, TimeSpan.FromSeconds(30));
        var uid = RawDataSet.NewUid(); // a SOP Instance UID with control characters is refused (0x0110): it names the file
        var studyUid = "1.2.3" + Escape + "[2J\n" + Escape + "]0;title\a";

        await using (var evil = await RawDicomConnection.ConnectAsync(port))
        {
            // An AE title with an escape sequence cannot be encoded by our own writer: patch the calling AE's bytes.
            // The receiver rejects the title (PS3.5: no control characters; the A-ASSOCIATE-AC would have to echo it) with
            // reason 3, calling AE title not recognised; its log line must not replay it.
            var request = RawDicomConnection.Encode(RawDicomConnection.Request(RawDicomConnection.CtAndVerification(), callingAe: "PLACEHOLDERAE"));
            Encoding.Latin1.GetBytes((Escape + "[31mEVIL" + Escape + "[0m").PadRight(16)).CopyTo(request, CallingAeOffset);
            Assert.True(await evil.SendAsync(request));
            var reject = Assert.IsType<AssociateRejectPdu>(await evil.ReadPduAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(RejectReasons.CallingAeTitleNotRecognized, reject.Reason);
        }
        await using (var raw = await RawDicomConnection.AssociateCtAsync(port))
        {
            await raw.SendCommandAsync(1, new CommandSet
            {
                CommandField = CommandField.CStoreRequest,
                AffectedSopClassUid = RawDicomConnection.CtImageStorage,
                AffectedSopInstanceUid = uid,
                MessageId = 1,
                CommandDataSetType = 0,
            });
            await raw.SendDataSetAsync(1, RawDataSet.Instance(RawDicomConnection.CtImageStorage, uid, studyUid: studyUid));
            var response = await raw.ReadCommandAsync();
            Assert.True(response.Status == 0, $"status {response.Status}: {gateway.Output}");
            await raw.ReleaseAsync();
        }
        var list = await QueueCli.RunAsync(data, "list", "--state", "all");
        var show = await QueueCli.RunAsync(data, "show", "1");
        gateway.Terminate();
        await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(list.ExitCode == 0, list.Output);
        Assert.True(show.ExitCode == 0, show.Output);
        Assert.Contains("1.2.3\\x1B[2J\\x0A\\x1B]0;title\\x07", list.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("1.2.3\\x1B[2J\\x0A\\x1B]0;title\\x07", show.StandardOutput, StringComparison.Ordinal);
        foreach (var (name, text) in new[] { ("queue list", list.StandardOutput), ("queue show", show.StandardOutput), ("the log", gateway.Output) })
        {
            Assert.False(text.Contains(Escape, StringComparison.Ordinal), $"{name} passes an escape character through");
            Assert.False(text.Contains('\a', StringComparison.Ordinal), $"{name} passes a bell through");
        }
    }

    /// <summary>PDU header (6) + protocol version (2) + reserved (2) + called AE (16): PS3.8 §9.3.2.</summary>
    private const int CallingAeOffset = 26;
}
