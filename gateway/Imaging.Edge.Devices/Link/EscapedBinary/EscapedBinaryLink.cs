using Imaging.Edge.Devices.Link.Checks;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Link.EscapedBinary;

/// <summary>
/// The receiving side of an <c>escaped-binary</c> link (HDLC-like framing, RFC 1662 §4.2 for PPP): a pure state
/// machine that never throws on any input.
/// <code>
/// start flag | frame, escaped | end flag          (start and end flag may be one byte: 0x7E in PPP)
/// frame, unescaped: [bytes] [length field at its offset] [bytes] check (1 or 2 bytes, binary)
/// </code>
/// Inside a frame, the escape byte followed by b stands for b XOR the profile's value (PPP: 0x7D 0x5E = 0x7E); an
/// escape followed by a flag aborts the frame (RFC 1662 §4.2). The check covers every unescaped byte before it; a
/// CRC-16/X-25 sent little-endian is checked the PPP way, over the frame and its FCS, for the "good FCS" constant
/// (§C.2). The message is the frame without its length field and check. Bytes before the first flag are ignored
/// (reported once per run); empty frames (flag after flag) are idle fill, and a frame with no payload is answered
/// with ACK at once and is no message. A frame over the maximum (not buffered past
/// it; a length field claiming more is refused as soon as it is read), a bad check or a length that disagrees with
/// the frame: NAK when the device gets replies. With an ACK byte the ACK of a message waits for the caller's durable
/// <see cref="Acknowledge"/>, as <see cref="StxEtx.StxEtxLink"/> describes; silence for the receiver timeout discards
/// an incomplete frame.
/// </summary>
internal sealed class EscapedBinaryLink : IDeviceLink
{
    private readonly EscapedBinaryOptions _options;
    private readonly IDeviceLinkHandler _handler;
    private readonly object _gate = new();
    private readonly LinkTimer _timer;
    private readonly DeferredReply _reply;
    private readonly byte[] _frame;
    private State _state = State.Outside;
    private int _length;
    private bool _inGarbage;
    private long _messageNumber;

    public EscapedBinaryLink(EscapedBinaryOptions options, IDeviceLinkHandler handler, TimeProvider time)
    {
        _options = options;
        _handler = handler;
        _timer = new LinkTimer(time, _gate, OnTimeout);
        _reply = new DeferredReply(options.Ack, options.Nak, handler);
        _frame = new byte[options.MaxFrameSize];
    }

    private enum State
    {
        /// <summary>Waiting for a start flag.</summary>
        Outside,
        InFrame,
        /// <summary>After the escape byte.</summary>
        Escaped,
        /// <summary>A frame over the maximum (already refused): ignored up to the next flag.</summary>
        Skipping,
    }

    private bool SameFlag => _options.StartFlag == _options.EndFlag;

    public (int Frame, int Message) BufferedBytes
    {
        get { lock (_gate) return (_length, 0); }
    }

    public void Receive(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            foreach (var b in bytes)
                Step(b);
            if (_length > 0 || _state is State.Escaped or State.Skipping)
                _timer.Arm(_options.ReceiverTimeout);
            else
                _timer.Disarm();
        }
    }

    public bool Acknowledge(long number, bool durable)
    {
        lock (_gate)
            return _reply.Acknowledge(number, durable);
    }

    private void Step(byte b)
    {
        switch (_state)
        {
            case State.Outside:
                if (b == _options.StartFlag)
                    Begin();
                else if (!_inGarbage)
                {
                    _inGarbage = true;
                    _handler.Problem(new LinkProblem(LinkProblemKind.BytesOutsideFrame, "bytes outside a frame ignored"));
                }
                break;
            case State.InFrame:
                if (b == _options.EndFlag)
                    OnFrame();
                else if (b == _options.StartFlag)
                {
                    if (_length > 0)
                        Abort($"frame restarted after {_length} bytes");
                    Begin();
                }
                else if (b == _options.Escape)
                    _state = State.Escaped;
                else
                    Append(b);
                break;
            case State.Escaped:
                if (b == _options.StartFlag || b == _options.EndFlag)
                {
                    Abort($"frame aborted by escape and flag after {_length} bytes");
                    AfterFlag(b);
                }
                else
                {
                    _state = State.InFrame;
                    Append((byte)(b ^ _options.Xor));
                }
                break;
            case State.Skipping:
                if (b == _options.StartFlag || b == _options.EndFlag)
                    AfterFlag(b);
                break;
        }
    }

    private void Begin()
    {
        _inGarbage = false;
        _state = State.InFrame;
        _length = 0;
    }

    /// <summary>A flag that ended a frame: the same byte opens the next (PPP); a distinct start flag opens one.</summary>
    private void AfterFlag(byte flag)
    {
        _length = 0;
        if (flag == _options.StartFlag)
            Begin();
        else
            _state = State.Outside;
    }

    private void Abort(string detail)
    {
        _handler.Problem(new LinkProblem(LinkProblemKind.MalformedFrame, detail));
        _length = 0;
    }

    private void Append(byte b)
    {
        if (_length == 0)
            _reply.Cancel(); // the device moved on: a message still waiting for its ACK was given up
        if (_length == _frame.Length)
        {
            Skip($"frame over {_options.MaxFrameSize} bytes");
            return;
        }
        _frame[_length++] = b;
        if (_options.Length is { } field && _length == field.Offset + field.Width && FrameSizeClaimed(field) > _options.MaxFrameSize)
            Skip($"length field claims a frame over {_options.MaxFrameSize} bytes");
    }

    private void Skip(string detail)
    {
        _length = 0;
        _state = State.Skipping;
        Refuse(LinkProblemKind.FrameTooLong, detail);
    }

    /// <summary>The unescaped frame size the length field read so far stands for.</summary>
    private long FrameSizeClaimed(LengthFieldSettings field)
    {
        var value = ByteOrders.Read(_frame.AsSpan(field.Offset, field.Width), field.ByteOrder ?? ByteOrder.BigEndian);
        var check = _options.Check?.Length ?? 0;
        return field.Counts switch
        {
            LengthCounts.Payload => (long)value + field.Width + check,
            LengthCounts.AfterField => (long)field.Offset + field.Width + value,
            _ => value,
        };
    }

    private void OnFrame()
    {
        var length = _length;
        AfterFlag(_options.EndFlag);
        if (length == 0)
            return; // flag after flag: idle fill between frames
        var frame = _frame.AsSpan(0, length);
        var check = _options.Check?.Length ?? 0;
        var field = _options.Length;
        if (length < check + (field is null ? 0 : field.Offset + field.Width))
        {
            Refuse(LinkProblemKind.MalformedFrame, $"frame of {length} bytes too short for its fields");
            return;
        }
        if (_options.Check is { } frameCheck && !IsValid(frameCheck, frame))
        {
            Refuse(LinkProblemKind.BadChecksum, $"frame of {length} bytes");
            return;
        }
        if (field is not null && FrameSizeClaimed(field) != length)
        {
            Refuse(LinkProblemKind.MalformedFrame, $"length field disagrees with a frame of {length} bytes");
            return;
        }
        var body = frame[..^check];
        var text = field is null
            ? body.ToArray()
            : [.. body[..field.Offset], .. body[(field.Offset + field.Width)..]];
        if (text.Length == 0)
        {
            _reply.Ack(); // nothing to store, so nothing to lose: no message for the caller
            return;
        }
        var number = ++_messageNumber;
        _reply.Hold(number);
        _handler.MessageReceived(new DeviceLinkMessage(number, text, _reply.Enabled));
    }

    private static bool IsValid(FrameCheck frameCheck, ReadOnlySpan<byte> frame)
    {
        var checksum = frameCheck.Checksum;
        if (checksum.Kind == ChecksumKind.Crc16X25 && frameCheck.Order == ByteOrder.LittleEndian)
            return Crc16.X25.Add(Crc16.X25.Init, frame) == Crc16.GoodFcs16; // RFC 1662 §C.2: data and FCS together
        return frameCheck.TryDecode(frame[^frameCheck.Length..], out var sent) && checksum.Compute(frame[..^frameCheck.Length]) == sent;
    }

    private void Refuse(LinkProblemKind kind, string detail)
    {
        _handler.Problem(new LinkProblem(kind, detail));
        _reply.Nak();
    }

    private void OnTimeout()
    {
        if (_length == 0 && _state is not (State.Escaped or State.Skipping))
            return;
        _handler.Problem(new LinkProblem(LinkProblemKind.ReceiverTimeout,
            $"nothing for {_options.ReceiverTimeout.TotalSeconds:0.#} s: {_length} bytes of an incomplete frame discarded"));
        _length = 0;
        _state = State.Outside;
        _inGarbage = false;
    }

    public void Dispose() => _timer.Dispose();
}
