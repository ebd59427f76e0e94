using System.Text;
using System.Text.Json;
using Imaging.Edge.Gateway.Commands;

namespace Imaging.Edge.Gateway.Tests.Commands;

/// <summary>The one request/answer format both transports read and write (MQTT and the control socket).</summary>
public sealed class CommandCodecTests
{
    private static CommandEnvelope Decode(string json, string? name = null)
    {
        Assert.True(CommandCodec.TryDecode(Encoding.UTF8.GetBytes(json), name, out var envelope, out var error), error);
        return envelope!;
    }

    private static string Refused(string json, string? name = null)
    {
        Assert.False(CommandCodec.TryDecode(Encoding.UTF8.GetBytes(json), name, out var envelope, out var error));
        Assert.Null(envelope);
        return error;
    }

    [Fact]
    public void The_name_comes_from_the_topic_on_MQTT_and_from_the_payload_on_the_socket()
    {
        Assert.Equal("ping", Decode("""{"command": "ignored"}""", name: "ping").Request.Name);
        Assert.Equal("retry-failed", Decode("""{"command": "retry-failed"}""").Request.Name);
        Assert.Contains("'command'", Refused("""{"requestId": "r1"}"""), StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_MQTT_payload_is_a_request_without_arguments_with_a_made_up_id()
    {
        Assert.True(CommandCodec.TryDecode([], "status", out var envelope, out _));
        Assert.Equal(JsonValueKind.Object, envelope!.Request.Args.ValueKind);
        Assert.Equal(32, envelope.Request.RequestId.Length);
        Assert.Contains("not valid JSON", Refused("", name: null), StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_id_loses_control_characters_and_is_kept_to_64_characters_on_both_transports()
    {
        var dirty = "req\u001b[2J\n" + new string('x', 100);
        foreach (var envelope in new[] { Decode($$"""{"requestId": {{JsonSerializer.Serialize(dirty)}}}""", "ping"), Decode($$"""{"command": "ping", "requestId": {{JsonSerializer.Serialize(dirty)}}}""") })
        {
            Assert.StartsWith("req[2J", envelope.Request.RequestId, StringComparison.Ordinal);
            Assert.Equal(64, envelope.Request.RequestId.Length);
            Assert.DoesNotContain(envelope.Request.RequestId, char.IsControl);
        }
    }

    [Fact]
    public void Arguments_actor_and_signature_are_read()
    {
        var envelope = Decode("""{"args": {"study": "abc"}, "actor": "ops-1", "auth": {"operator": "alice", "timestamp": 1764590400, "signature": "AAAA"}}""", "resend-study");

        Assert.Equal("abc", envelope.Request.RequiredString("study"));
        Assert.Equal("ops-1", envelope.ClaimedActor);
        Assert.Equal(new CommandSignature("alice", 1764590400, "AAAA"), envelope.Signature);
        Assert.Equal("", envelope.Request.Actor); // the dispatcher sets it from what was verified, never the codec
    }

    [Theory]
    [InlineData("[1, 2]", "JSON object")]
    [InlineData("""{"args": [1]}""", "'args'")]
    [InlineData("""{"auth": {"operator": "alice"}}""", "'auth'")]
    [InlineData("{not json", "not valid JSON")]
    public void Malformed_requests_are_refused_with_a_reason(string json, string reason) =>
        Assert.Contains(reason, Refused(json, "ping"), StringComparison.Ordinal);

    [Fact]
    public void A_request_larger_than_the_bound_is_refused_before_it_is_parsed()
    {
        var padding = new string('x', CommandCodec.MaxRequestBytes);
        Assert.Contains("larger than 64 KiB", Refused("{\"args\": {\"pad\": \"" + padding + "\"}}", "ping"), StringComparison.Ordinal);
        Assert.Equal("ping", Decode("{\"args\": {\"pad\": \"" + padding[..60_000] + "\"}}", "ping").Request.Name);
    }

    [Fact]
    public void Answers_carry_the_result_or_the_error_code_and_message()
    {
        var ok = CommandCodec.Answer("ping", "r1", CommandOutcome.Success(new() { ["pong"] = true }, "pong"));
        var failed = CommandCodec.Answer("erase-patient", "r2", CommandOutcome.Failure("forbidden", "not signed"));
        var malformed = CommandCodec.Malformed(null, "the request is not valid JSON");

        Assert.Equal("""{"requestId":"r1","command":"ping","ok":true,"result":{"pong":true}}""", ok.ToJsonString());
        Assert.Equal("""{"requestId":"r2","command":"erase-patient","ok":false,"error":{"code":"forbidden","message":"not signed"}}""", failed.ToJsonString());
        Assert.Equal("bad-arguments", malformed["error"]!["code"]!.GetValue<string>());
    }
}
