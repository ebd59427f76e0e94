using System.Text;
using System.Text.Json.Nodes;
using Imaging.Edge.Gateway.Commands;

namespace Imaging.Edge.Fuzz.Targets;

/// <summary>
/// The operator command codec (MQTT and the control socket, docs/telemetry.md "Commands"): decoding with the name
/// from the payload and from the topic, the argument readers the commands use, the canonical form a signature is
/// checked over, and the answer written back. Refusals: a false decode, <see cref="CommandException"/> from an
/// argument reader, <see cref="FormatException"/> from the canonical form.
/// </summary>
internal sealed class CommandTarget : FuzzTarget
{
    private static readonly string[] Arguments = ["studyInstanceUid", "patientId", "all", "limit", "reason"];

    public override string Name => "command";

    public override void Run(ReadOnlySpan<byte> input)
    {
        foreach (var name in new[] { null, "ping" })
        {
            if (!CommandCodec.TryDecode(input, name, out var envelope, out var error))
            {
                _ = CommandCodec.Malformed(name, error).ToJsonString();
                continue;
            }
            var request = envelope!.Request;
            foreach (var argument in Arguments)
            {
                try
                {
                    _ = request.OptionalString(argument);
                    _ = request.OptionalBool(argument);
                    _ = request.OptionalInt64(argument);
                    _ = request.RequiredString(argument);
                }
                catch (CommandException)
                {
                }
            }
            if (envelope.Signature is { } signature)
            {
                try
                {
                    _ = SignedCommandCanonical.Encode("site", "gw", request.Name, request.RequestId, signature.Timestamp, signature.Operator, request.Args);
                }
                catch (FormatException)
                {
                }
            }
            _ = CommandCodec.Answer(request.Name, request.RequestId, CommandOutcome.Success(new JsonObject { ["echo"] = request.Name }, "ok")).ToJsonString();
        }
    }

    public override IEnumerable<byte[]> Seeds() =>
    [
        [],
        Encoding.UTF8.GetBytes("""{"command":"ping","requestId":"r1"}"""),
        Encoding.UTF8.GetBytes("""{"command":"resend-study","requestId":"r2","actor":"ops","args":{"studyInstanceUid":"1.2.3","all":true,"limit":5}}"""),
        Encoding.UTF8.GetBytes("""{"command":"erase-patient","requestId":"r3","args":{"patientId":"X","reason":"gdpr"},"auth":{"operator":"alice","timestamp":1764600000,"signature":"AAAA"}}"""),
        Encoding.UTF8.GetBytes("""{"args":{"nested":{"a":[1,2.5,-3e10,"x",null,false]}},"auth":{"operator":"bob","timestamp":-9007199254740991,"signature":""}}"""),
    ];
}
