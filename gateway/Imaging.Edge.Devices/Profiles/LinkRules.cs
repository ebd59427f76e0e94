using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Link.Astm;
using Imaging.Edge.Devices.Link.Checks;

namespace Imaging.Edge.Devices.Profiles;

/// <summary>
/// The checks of <c>link</c> a JSON shape cannot make: each protocol's required parameters present, the other
/// protocols' parameters absent (a field that would be ignored is an error, like a typo), bytes 0..255, sizes bounded.
/// </summary>
internal static class LinkRules
{
    private const int MaxByteSequence = 16;

    public static void Check(LinkSettings link, List<ProfileError> errors)
    {
        void Require(bool ok, string path, string message)
        {
            if (!ok)
                errors.Add(new ProfileError(path, message));
        }
        void Only(bool present, LinkProtocol protocol, string path)
        {
            if (present && link.Protocol != protocol)
                errors.Add(new ProfileError(path, $"is only for the {Name(protocol)} protocol"));
        }
        void Needs(object? value, LinkProtocol protocol, string path)
        {
            if (value is null && link.Protocol == protocol)
                errors.Add(new ProfileError(path, $"is required for the {Name(protocol)} protocol"));
        }
        void Byte(int? value, string path) => Require(value is null or (>= 0 and <= 255), path, "must be a byte, 0 to 255");
        void Bytes(IReadOnlyList<int>? values, string path, bool allowEmpty = false)
        {
            if (values is null)
                return;
            Require(values.Count is > 0 and <= MaxByteSequence || (allowEmpty && values.Count == 0), path, $"must hold 1 to {MaxByteSequence} bytes");
            for (var i = 0; i < values.Count; i++)
                Byte(values[i], $"{path}[{i}]");
        }

        var astm = link.Protocol == LinkProtocol.AstmE1381;
        if (astm)
            Require(link.MaxFrameSize is null or (> AstmFrame.Overhead and <= AstmLinkOptions.CurrentMaxFrameSize), "$.link.maxFrameSize",
                $"must be {AstmFrame.Overhead + 1} to {AstmLinkOptions.CurrentMaxFrameSize} (legacy E1381: {AstmLinkOptions.LegacyMaxFrameSize})");
        else
            Require(link.MaxFrameSize is null or (>= 2 and <= LinkLimits.MaxFrameSize), "$.link.maxFrameSize", $"must be 2 to {LinkLimits.MaxFrameSize}");
        Require(link.MaxMessageSize is null or (>= 1 and <= LinkLimits.MaxMessageSize), "$.link.maxMessageSize", $"must be 1 to {LinkLimits.MaxMessageSize}");
        Require(astm || link.MaxMessageSize is not { } message || message >= LinkLimits.FrameSizeOf(link), "$.link.maxMessageSize",
            $"must be at least maxFrameSize ({LinkLimits.FrameSizeOf(link)})");
        Require(link.ReceiverTimeoutSeconds is null or (> 0 and <= 3600), "$.link.receiverTimeoutSeconds", "must be above 0 and at most 3600");
        Require(link.ReceiverTimeoutSeconds is null || link.Protocol != LinkProtocol.Line, "$.link.receiverTimeoutSeconds",
            "is not for the line protocol (silence ends a line's text: link.line.idleEndSeconds)");
        Require(link.SenderTimeoutSeconds is null or (> 0 and <= 3600), "$.link.senderTimeoutSeconds", "must be above 0 and at most 3600");
        Require(link.MaxAttempts is null or (>= 1 and <= 100), "$.link.maxAttempts", "must be 1 to 100");
        Only(link.SenderTimeoutSeconds is not null, LinkProtocol.AstmE1381, "$.link.senderTimeoutSeconds");
        Only(link.MaxAttempts is not null, LinkProtocol.AstmE1381, "$.link.maxAttempts");
        Only(link.MessageEnd is not null, LinkProtocol.AstmE1381, "$.link.messageEnd");

        Needs(link.Framing, LinkProtocol.StxEtx, "$.link.framing");
        Only(link.Framing is not null, LinkProtocol.StxEtx, "$.link.framing");
        Needs(link.Escape, LinkProtocol.EscapedBinary, "$.link.escape");
        Only(link.Escape is not null, LinkProtocol.EscapedBinary, "$.link.escape");
        Only(link.Length is not null, LinkProtocol.EscapedBinary, "$.link.length");
        Needs(link.Line, LinkProtocol.Line, "$.link.line");
        Only(link.Line is not null, LinkProtocol.Line, "$.link.line");
        Require(link.Checksum is null || link.Protocol is LinkProtocol.StxEtx or LinkProtocol.EscapedBinary, "$.link.checksum",
            "is only for the stx-etx and escaped-binary protocols");
        Require(link.Replies is null || link.Protocol is LinkProtocol.StxEtx or LinkProtocol.EscapedBinary, "$.link.replies",
            "is only for the stx-etx and escaped-binary protocols");

        if (link.Framing is { } framing)
        {
            Bytes(framing.Start, "$.link.framing.start");
            Bytes(framing.End, "$.link.framing.end");
            Byte(framing.EndOfMessage, "$.link.framing.endOfMessage");
            Bytes(framing.JoinWith, "$.link.framing.joinWith", allowEmpty: true);
            Require(!framing.Start.Intersect(framing.End).Any(), "$.link.framing.end", "must not share a byte with start");
            Require(framing.EndOfMessage is not { } eom || (!framing.Start.Contains(eom) && !framing.End.Contains(eom)), "$.link.framing.endOfMessage",
                "must differ from the start and end bytes");
            Require(framing.JoinWith is null || framing.EndOfMessage is not null, "$.link.framing.joinWith", "joins the frames of a message: needs endOfMessage");
        }
        if (link.Checksum is { } checksum)
            CheckChecksum(link.Protocol, checksum, Require);
        if (link.Replies is { } replies)
        {
            Byte(replies.Ack, "$.link.replies.ack");
            Byte(replies.Nak, "$.link.replies.nak");
            Require(replies.Nak != replies.Ack, "$.link.replies.nak", "must differ from ack");
        }
        if (link.Escape is { } escape)
        {
            Byte(escape.StartFlag, "$.link.escape.startFlag");
            Byte(escape.EndFlag, "$.link.escape.endFlag");
            Byte(escape.Escape, "$.link.escape.escape");
            Require(escape.Xor is >= 1 and <= 255, "$.link.escape.xor", "must be 1 to 255 (an escaped flag must not stay a flag)");
            Require(escape.Escape != escape.StartFlag && escape.Escape != escape.EndFlag, "$.link.escape.escape", "must differ from the flags");
        }
        if (link.Length is { } length)
        {
            Require(length.Offset is >= 0 and < LinkLimits.MaxFrameSize, "$.link.length.offset", $"must be 0 to {LinkLimits.MaxFrameSize - 1}");
            Require(length.Width is 1 or 2, "$.link.length.width", "must be 1 or 2");
        }
        if (link.Line is { } line)
        {
            Bytes(line.Delimiter, "$.link.line.delimiter");
            Require(line.IdleEndSeconds is null or (> 0 and <= 3600), "$.link.line.idleEndSeconds", "must be above 0 and at most 3600");
            var terminator = line.Grouping == LineGrouping.TerminatorLine;
            Require(!terminator || !string.IsNullOrEmpty(line.TerminatorLine), "$.link.line.terminatorLine", "is required for the terminator-line grouping");
            Require(terminator || line.TerminatorLine is null, "$.link.line.terminatorLine", "is only for the terminator-line grouping");
            Require(line.TerminatorLine is null || line.TerminatorLine.All(c => c <= 0xFF), "$.link.line.terminatorLine", "must be Latin-1 text");
        }
    }

    private static void CheckChecksum(LinkProtocol protocol, ChecksumSettings checksum, Action<bool, string, string> require)
    {
        if (protocol == LinkProtocol.EscapedBinary)
        {
            require(checksum.Encoding is null or ChecksumEncoding.Binary, "$.link.checksum.encoding", "must be binary for escaped-binary (the check ends the unescaped frame)");
            require(checksum.Position is null, "$.link.checksum.position", "is only for stx-etx (escaped-binary: the check ends the frame)");
            require(checksum.IncludesStart is null, "$.link.checksum.includesStart", "is only for stx-etx (escaped-binary: the check covers the frame without flags)");
            require(checksum.IncludesEnd is null, "$.link.checksum.includesEnd", "is only for stx-etx (escaped-binary: the check covers the frame without flags)");
            return;
        }
        var before = checksum.Position == ChecksumPosition.BeforeEnd;
        require(!before || checksum.Encoding != ChecksumEncoding.Binary, "$.link.checksum.encoding",
            "binary before the end byte could hold the end byte: use hex, or position after-end");
        require(!before || checksum.IncludesEnd != true, "$.link.checksum.includesEnd", "the end byte comes after a check before it");
    }

    private static string Name(LinkProtocol protocol) => ProfileJson.ValuesOf(typeof(LinkProtocol))[(int)protocol];
}
