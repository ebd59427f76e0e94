using System.Text.Json;
using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Link.Astm;
using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Devices.Replay;
using Imaging.Edge.Devices.Tests.Link.Astm;
using Imaging.Edge.Devices.Tests.Profiles;
using Microsoft.Extensions.Time.Testing;

namespace Imaging.Edge.Devices.Tests.BadInput;

/// <summary>The shipped captures spoiled the ways a real line spoils them.</summary>
public sealed class CaptureBadInputTests
{
    private static HardwareProfile Generic => ProfileLoader.LoadFile(Path.Combine(ShippedProfiles.Directory, "astm-e1394.json")).Profile!;

    private static byte[] Capture => File.ReadAllBytes(ShippedProfiles.CapturesOf("astm-e1394").Single(c => c.EndsWith("results.astm", StringComparison.Ordinal)));

    private static string Json(ReplayResult replay) => JsonSerializer.Serialize(replay.Outcome);

    [Fact]
    public void Garbage_between_frames_is_ignored()
    {
        var noisy = new List<byte>();
        foreach (var b in Capture)
        {
            if (b == AstmControl.Stx)
                noisy.AddRange(Bytes.Latin1("\0\u00FF noise \r\n"));
            noisy.Add(b);
        }

        var clean = CaptureReplay.Run(Generic, Capture, new FakeTimeProvider());
        var replay = CaptureReplay.Run(Generic, [.. noisy], new FakeTimeProvider());

        Assert.Empty(replay.LinkProblems);
        Assert.Equal(Json(clean), Json(replay));
    }

    [Fact]
    public void Device_that_stops_mid_message_leaves_nothing_behind_after_the_receiver_timeout()
    {
        var time = new FakeTimeProvider();
        var handler = new RecordingHandler();
        using var receiver = new AstmReceiver(Generic.Link.ToAstmOptions(), handler, time);
        var capture = Capture;
        var cut = Array.LastIndexOf(capture, AstmControl.Stx) + 5; // inside the frame carrying L

        receiver.Receive(capture.AsSpan(0, cut));
        time.Advance(Generic.Link.ToAstmOptions().ReceiverTimeout);

        Assert.Equal([LinkProblemKind.ReceiverTimeout], handler.ProblemKinds);
        Assert.Equal((0, 0), receiver.BufferedBytes);
        // The records before L were each acknowledged as ETX frames: they are handed over, marked as such.
        var message = Assert.Single(handler.Messages);
        Assert.False(message.AwaitsAcknowledgement);
        Assert.DoesNotContain("L|1", Bytes.Latin1String(message.Text), StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_byte_flip_anywhere_never_yields_a_result_the_device_did_not_send()
    {
        var profile = Generic;
        var capture = Capture;
        var clean = CaptureReplay.Run(profile, capture, new FakeTimeProvider()).Outcome.Messages.SelectMany(m => m.Results).ToList();
        var caught = 0;
        for (var i = 0; i < capture.Length; i++)
        {
            var spoiled = (byte[])capture.Clone();
            spoiled[i] ^= 0x20;
            var replay = CaptureReplay.Run(profile, spoiled, new FakeTimeProvider());

            // The link refuses the spoiled frame (checksum, framing, frame number) and what follows it; results may be
            // lost (they were never acknowledged), but none may be changed: the checksum catches every one-bit error.
            foreach (var result in replay.Outcome.Messages.SelectMany(m => m.Results))
                Assert.True(clean.Contains(result), $"byte {i} flipped gave a result the device did not send");
            if (replay.LinkProblems.Count > 0)
                caught++;
        }
        Assert.True(caught > capture.Length / 2, $"only {caught} of {capture.Length} flips were noticed by the link");
    }
}
