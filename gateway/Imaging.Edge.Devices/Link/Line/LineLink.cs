using System.Buffers;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Link.Line;

/// <summary>
/// The receiving side of a <c>line</c> link: text lines ended by a delimiter (CR, LF, CRLF, any byte sequence), or by
/// silence for the idle end (a device that just stops). A pure state machine that never throws on any input.
/// <list type="bullet">
/// <item>each-line: every non-empty line is a message (without its delimiter).</item>
/// <item>blank-line: a message is the lines up to a blank line; terminator-line: up to and including the terminator
/// line. The lines are joined with the delimiter. Silence for the idle end ends the message held, too.</item>
/// <item>A line over the maximum (never buffered past it) or a message over the maximum is discarded whole, up to
/// its end (the line's delimiter; the message's blank or terminator line, or the idle end).</item>
/// </list>
/// The device gets no replies: every message has <c>AwaitsAcknowledgement = false</c>.
/// </summary>
internal sealed class LineLink : IDeviceLink
{
    private readonly LineOptions _options;
    private readonly IDeviceLinkHandler _handler;
    private readonly object _gate = new();
    private readonly LinkTimer _timer;
    /// <summary>The line so far, with any delimiter bytes but the last one: a full line and its delimiter fit.</summary>
    private readonly byte[] _line;
    /// <summary>The last bytes received, to find the delimiter even while a line is being skipped.</summary>
    private readonly byte[] _window;
    private readonly ArrayBufferWriter<byte> _message = new();
    private int _lineLength;
    private int _windowLength;
    private int _linesHeld;
    private bool _skippingLine;
    private bool _discardingMessage;
    private long _messageNumber;

    public LineLink(LineOptions options, IDeviceLinkHandler handler, TimeProvider time)
    {
        if (options.Delimiter.Length == 0)
            throw new ArgumentException("line needs a delimiter", nameof(options));
        _options = options;
        _handler = handler;
        _timer = new LinkTimer(time, _gate, OnIdle);
        _line = new byte[options.MaxLineLength + options.Delimiter.Length - 1];
        _window = new byte[options.Delimiter.Length];
    }

    public (int Frame, int Message) BufferedBytes
    {
        get { lock (_gate) return (_lineLength, _message.WrittenCount); }
    }

    private bool HoldsText => _lineLength > 0 || _linesHeld > 0 || _skippingLine || _discardingMessage;

    public void Receive(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            foreach (var b in bytes)
                Step(b);
            if (_options.IdleEnd is { } idle && HoldsText)
                _timer.Arm(idle);
            else
                _timer.Disarm();
        }
    }

    /// <summary>Nothing ever waits: a line device gets no replies.</summary>
    public bool Acknowledge(long number, bool durable) => false;

    private void Step(byte b)
    {
        if (EndsDelimiter(b))
        {
            var line = _line.AsSpan(0, Math.Max(0, _lineLength - (_options.Delimiter.Length - 1)));
            var skipped = _skippingLine;
            _lineLength = 0;
            _skippingLine = false;
            if (!skipped)
                OnLine(line);
            return;
        }
        if (_skippingLine)
            return;
        if (_lineLength == _line.Length)
        {
            _handler.Problem(new LinkProblem(LinkProblemKind.FrameTooLong, $"line over {_options.MaxLineLength} bytes discarded"));
            _lineLength = 0;
            _skippingLine = true;
            if (_options.Grouping != LineGrouping.EachLine)
                DropMessage();
            return;
        }
        _line[_lineLength++] = b;
    }

    /// <summary>Does <paramref name="b"/> complete the delimiter? Matched bytes do not count towards the next one.</summary>
    private bool EndsDelimiter(byte b)
    {
        var delimiter = _options.Delimiter;
        if (_windowLength == _window.Length)
        {
            Array.Copy(_window, 1, _window, 0, _window.Length - 1);
            _windowLength--;
        }
        _window[_windowLength++] = b;
        if (_windowLength < _window.Length || !_window.AsSpan().SequenceEqual(delimiter))
            return false;
        _windowLength = 0;
        return true;
    }

    private void OnLine(ReadOnlySpan<byte> line)
    {
        switch (_options.Grouping)
        {
            case LineGrouping.EachLine:
                if (!line.IsEmpty)
                    Deliver(line);
                break;
            case LineGrouping.BlankLine:
                if (line.IsEmpty)
                    EndMessage();
                else
                    Add(line);
                break;
            default:
                if (line.IsEmpty && _linesHeld == 0)
                    break; // blank lines before a message are not part of it
                Add(line);
                if (line.SequenceEqual(_options.TerminatorLine))
                    EndMessage();
                break;
        }
    }

    private void Add(ReadOnlySpan<byte> line)
    {
        if (_discardingMessage)
            return;
        if ((long)_message.WrittenCount + (_linesHeld > 0 ? _options.Delimiter.Length : 0) + line.Length > _options.MaxMessageSize)
        {
            _handler.Problem(new LinkProblem(LinkProblemKind.MessageTooLong, $"message over {_options.MaxMessageSize} bytes discarded"));
            DropMessage();
            return;
        }
        if (_linesHeld++ > 0)
            _message.Write(_options.Delimiter);
        _message.Write(line);
    }

    private void DropMessage()
    {
        _message.Clear();
        _linesHeld = 0;
        _discardingMessage = true;
    }

    private void EndMessage()
    {
        var lines = _linesHeld;
        var discarded = _discardingMessage;
        _discardingMessage = false;
        _linesHeld = 0;
        if (lines > 0 && !discarded)
            Deliver(_message.WrittenSpan);
        _message.Clear();
    }

    private void Deliver(ReadOnlySpan<byte> text) =>
        _handler.MessageReceived(new DeviceLinkMessage(++_messageNumber, text.ToArray(), AwaitsAcknowledgement: false));

    /// <summary>The device went quiet: what it sent is complete (a trailing part of the delimiter is not text).</summary>
    private void OnIdle()
    {
        var line = _line.AsSpan(0, _lineLength);
        for (var k = Math.Min(line.Length, _options.Delimiter.Length - 1); k > 0; k--)
        {
            if (line.EndsWith(_options.Delimiter.AsSpan(0, k)))
            {
                line = line[..^k];
                break;
            }
        }
        var skipped = _skippingLine;
        _lineLength = _windowLength = 0;
        _skippingLine = false;
        if (!skipped && !line.IsEmpty)
            OnLine(line);
        if (_options.Grouping != LineGrouping.EachLine)
            EndMessage();
    }

    public void Dispose() => _timer.Dispose();
}
