using System.Text;
using System.Text.Json;
using Imaging.Edge.Gateway.Commands;

namespace Imaging.Edge.Gateway.Tests.Commands;

/// <summary>
/// Inputs the command fuzz target (tests/Imaging.Edge.Fuzz, target <c>command</c>) found to escape the codec's
/// contract: a malformed request is answered "bad-arguments", it never throws out of the MQTT handler.
/// </summary>
public sealed class CommandFuzzFindingsTests
{
    // Invalid UTF-8 inside JSON strings: Utf8JsonReader accepts the document, and GetString() threw
    // InvalidOperationException later (the command name, an argument, the signature's operator).
    public static TheoryData<byte[]> InvalidUtf8Requests() => new()
    {
        With("{\"command\":\"p", 0xFF, "\"}"),
        With("{\"command\":\"resend-study\",\"args\":{\"studyInstanceUid\":\"1.", 0x80, "\"}}"),
        With("{\"command\":\"ping\",\"auth\":{\"operator\":\"a", 0xFE, "\",\"timestamp\":1,\"signature\":\"\"}}"),
        With("{\"command\":\"ping\",\"requestId\":\"", 0xC3, "\"}"),
    };

    private static byte[] With(string before, byte invalid, string after) => [.. Encoding.UTF8.GetBytes(before), invalid, .. Encoding.UTF8.GetBytes(after)];

    [Theory]
    [MemberData(nameof(InvalidUtf8Requests))]
    public void A_request_with_invalid_UTF8_is_refused_as_malformed_not_thrown(byte[] payload)
    {
        bool decoded = CommandCodec.TryDecode(payload, name: null, out var envelope, out var error);

        Assert.False(decoded);
        Assert.Null(envelope);
        Assert.Contains("UTF-8", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    [InlineData(-9_007_199_254_740_992)]
    public void A_timestamp_out_of_range_is_a_format_error_of_the_canonical_form(long timestamp)
    {
        using var args = JsonDocument.Parse("{}");

        Assert.Throws<FormatException>(() => SignedCommandCanonical.Encode("site", "gw", "ping", "r1", timestamp, "alice", args.RootElement));
    }
}
