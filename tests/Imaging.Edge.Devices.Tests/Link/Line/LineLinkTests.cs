using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Link.Line;
using Imaging.Edge.Devices.Profiles;
using Microsoft.Extensions.Time.Testing;
using static Imaging.Edge.Devices.Tests.Link.Frames;

namespace Imaging.Edge.Devices.Tests.Link.Line;

/// <summary>The line receiver driven as a device would drive it (it never writes: a line device gets no replies).</summary>
public sealed class LineLinkTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly LinkRecorder _handler = new();
    private readonly List<LineLink> _links = [];

    private static readonly LineOptions Crlf = new() { Delimiter = [Cr, Lf], MaxLineLength = 16, MaxMessageSize = 40 };

    private LineLink Create(LineOptions options)
    {
        var link = new LineLink(options, _handler, _time);
        _links.Add(link);
        return link;
    }

    public void Dispose() => _links.ForEach(l => l.Dispose());

    [Fact]
    public void Each_line_is_a_message_without_its_delimiter_and_nothing_waits()
    {
        var link = Create(Crlf);

        link.Receive(Lines("\r\n", "SPH +1.25", "", "CYL -0.50"));

        Assert.Equal(["SPH +1.25", "CYL -0.50"], _handler.Texts); // an empty line is no message
        Assert.All(_handler.Messages, m => Assert.False(m.AwaitsAcknowledgement));
        Assert.False(link.Acknowledge(1, durable: true));
        Assert.False(link.Acknowledge(1, durable: false));
        Assert.Empty(_handler.Written);
        Assert.Empty(_handler.Problems);
        Assert.Equal((0, 0), link.BufferedBytes);
    }

    [Fact]
    public void Delimiter_split_across_reads_and_a_lone_cr_inside_a_line()
    {
        var link = Create(Crlf);

        link.Receive(Latin1("A\rB\r"));
        link.Receive(Latin1("\nC"));
        link.Receive(Latin1("\r\r\n"));

        Assert.Equal(["A\rB", "C\r"], _handler.Texts);
    }

    [Fact]
    public void Any_byte_sequence_can_end_a_line()
    {
        var link = Create(Crlf with { Delimiter = Latin1("<END>") });

        link.Receive(Latin1("one<EN<END>two<END><END"));

        Assert.Equal(["one<EN", "two"], _handler.Texts);
        Assert.Equal(4, link.BufferedBytes.Frame);
    }

    [Fact]
    public void Blank_line_grouping_joins_the_lines_of_a_message_with_the_delimiter()
    {
        var link = Create(Crlf with { Grouping = LineGrouping.BlankLine });

        link.Receive(Lines("\r\n", "", "HDR", "R1", "R2", "", "", "HDR", "R3"));

        Assert.Equal(["HDR\r\nR1\r\nR2"], _handler.Texts);
        Assert.Equal(7, link.BufferedBytes.Message); // "HDR\r\nR3"
        link.Receive(Lines("\r\n", ""));
        Assert.Equal(["HDR\r\nR1\r\nR2", "HDR\r\nR3"], _handler.Texts);
    }

    [Fact]
    public void Terminator_line_grouping_ends_with_and_keeps_the_terminator()
    {
        var link = Create(Crlf with { Grouping = LineGrouping.TerminatorLine, TerminatorLine = Latin1("END") });

        link.Receive(Lines("\r\n", "", "R1", "", "R2", "END", "R3"));

        Assert.Equal(["R1\r\n\r\nR2\r\nEND"], _handler.Texts);
        Assert.Equal(2, link.BufferedBytes.Message);
    }

    [Fact]
    public void Silence_ends_a_partial_line_of_a_device_that_just_stops()
    {
        var link = Create(Crlf with { IdleEnd = TimeSpan.FromSeconds(2) });

        link.Receive(Latin1("AR 1.25"));
        _time.Advance(TimeSpan.FromSeconds(1));
        link.Receive(Latin1(" 150\r")); // a trailing part of the delimiter is not text
        _time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.Empty(_handler.Messages);
        _time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Equal(["AR 1.25 150"], _handler.Texts);
        Assert.Equal((0, 0), link.BufferedBytes);
        Assert.Empty(_handler.Problems);
        link.Receive(Lines("\r\n", "NEXT"));
        Assert.Equal(["AR 1.25 150", "NEXT"], _handler.Texts);
    }

    [Fact]
    public void Silence_ends_a_group_without_its_blank_line()
    {
        var link = Create(Crlf with { Grouping = LineGrouping.BlankLine, IdleEnd = TimeSpan.FromSeconds(2) });

        link.Receive(Lines("\r\n", "R1", "R2"));
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(["R1\r\nR2"], _handler.Texts);
        Assert.Equal((0, 0), link.BufferedBytes);
    }

    [Fact]
    public void Without_an_idle_end_a_partial_line_waits_for_its_delimiter()
    {
        var link = Create(Crlf);

        link.Receive(Latin1("PART"));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(_handler.Messages);

        link.Receive(Latin1("\r\n"));
        Assert.Equal(["PART"], _handler.Texts);
    }

    [Fact]
    public void Line_over_the_maximum_is_discarded_up_to_its_delimiter_without_buffering_past_it()
    {
        var link = Create(Crlf);

        link.Receive(Latin1(new string('X', 100)));
        Assert.InRange(link.BufferedBytes.Frame, 0, Crlf.MaxLineLength + 1);
        link.Receive(Lines("\r\n", "XX", new string('Y', 16), "OK"));

        Assert.Equal([new string('Y', 16), "OK"], _handler.Texts); // a line of exactly the maximum is kept
        Assert.Equal([LinkProblemKind.FrameTooLong], _handler.ProblemKinds);
    }

    [Fact]
    public void Line_over_the_maximum_discards_its_group()
    {
        var link = Create(Crlf with { Grouping = LineGrouping.BlankLine });

        link.Receive(Lines("\r\n", "R1", new string('X', 30), "R2", "", "R3", ""));

        Assert.Equal(["R3"], _handler.Texts);
        Assert.Equal([LinkProblemKind.FrameTooLong], _handler.ProblemKinds);
    }

    [Fact]
    public void Message_over_the_maximum_is_discarded_up_to_its_end()
    {
        var link = Create(Crlf with { Grouping = LineGrouping.BlankLine });
        var line = new string('M', 15);

        link.Receive(Lines("\r\n", line, line, line));
        Assert.InRange(link.BufferedBytes.Message, 0, Crlf.MaxMessageSize);
        link.Receive(Lines("\r\n", line, "", "SMALL", ""));

        Assert.Equal(["SMALL"], _handler.Texts);
        Assert.Equal([LinkProblemKind.MessageTooLong], _handler.ProblemKinds);
    }
}
