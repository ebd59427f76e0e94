using System.Buffers;
using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Link.StxEtx;

/// <summary>
/// The receiving side of an <c>stx-etx</c> link: framed text as many devices without ASTM send it. A pure state
/// machine; it never throws on any input.
/// <list type="bullet">
/// <item>A frame is one of the start bytes, text, one of the end bytes, and the check if the profile has one (after the
/// end byte, or the last characters before it). Bytes outside frames are ignored, reported once per run.</item>
/// <item>Without an end-of-message byte each valid frame is a message. With one (EOT), a message is the frames up to
/// it, their texts joined with <see cref="StxEtxOptions.JoinWith"/> (a SOH header line, STX…CR records, EOT). A
/// message with no text is answered with ACK at once and not reported.</item>
/// <item>A bad check or a frame over the maximum (never buffered past it): NAK if the device gets replies, and the
/// frame is dropped; the device's retransmission is taken as a new frame. In a message of several frames a message
/// is handed over only whole: without replies (the device cannot retransmit) a refused frame discards its message; with
/// replies the retransmission takes its place, and a message that ends right after a refused frame is discarded (NAK).
/// A message over the maximum is discarded. A start byte inside a frame restarts it; the end-of-message byte inside a
/// frame, or silence for the receiver timeout, discards the incomplete message.</item>
/// </list>
/// <para>
/// <b>Replies and the one rule.</b> With an ACK byte, a complete message is reported with
/// <c>AwaitsAcknowledgement = true</c> and its ACK waits for <see cref="Acknowledge"/> (durable: ACK; not: NAK, the
/// device sends it again). In a message of several frames the frames before the end are answered with ACK at once
/// (the device waits for it to go on; they do not complete a message) and the reply to the end-of-message byte waits
/// for the store. A new frame while a message waits means the device gave up on it: the late acknowledgement sends
/// nothing. Without replies every message has <c>AwaitsAcknowledgement = false</c>.
/// </para>
/// </summary>
internal sealed class StxEtxLink : IDeviceLink
{
    private readonly StxEtxOptions _options;
    private readonly IDeviceLinkHandler _handler;
    private readonly object _gate = new();
    private readonly LinkTimer _timer;
    private readonly DeferredReply _reply;
    private readonly byte[] _text;
    private readonly byte[] _check;
    private readonly ArrayBufferWriter<byte> _message = new();
    private State _state = State.Outside;
    private byte _start;
    private byte _end;
    private int _textLength;
    private int _checkLength;
    /// <summary>Bytes of the current frame so far, start byte included (bounded by the maximum).</summary>
    private int _frameLength;
    private int _framesHeld;
    /// <summary>The message lost a frame or went over its maximum: its frames are dropped until the end-of-message byte.</summary>
    private bool _discardingMessage;
    /// <summary>The last frame of the message held was refused (NAK): its retransmission must come before the end.</summary>
    private bool _lastRefused;
    private bool _inGarbage;
    private long _messageNumber;

    public StxEtxLink(StxEtxOptions options, IDeviceLinkHandler handler, TimeProvider time)
    {
        if (options.Start.Length == 0 || options.End.Length == 0)
            throw new ArgumentException("stx-etx needs start and end bytes", nameof(options));
        _options = options;
        _handler = handler;
        _timer = new LinkTimer(time, _gate, OnTimeout);
        _reply = new DeferredReply(options.Ack, options.Nak, handler);
        _text = new byte[options.MaxFrameSize];
        _check = new byte[options.Check?.Length ?? 0];
    }

    private enum State
    {
        /// <summary>Between frames: waiting for a start byte (or the end of a message).</summary>
        Outside,
        /// <summary>After a start byte, up to an end byte.</summary>
        InFrame,
        /// <summary>After the end byte, reading a check that follows it.</summary>
        InCheck,
        /// <summary>A frame over the maximum: its rest is ignored up to the next start byte (already reported).</summary>
        Skipping,
    }

    public (int Frame, int Message) BufferedBytes
    {
        get { lock (_gate) return (_textLength + _checkLength, _message.WrittenCount); }
    }

    public void Receive(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            foreach (var b in bytes)
                Step(b);
            // The receiver timeout runs from the last byte while anything incomplete is held.
            if (HoldsIncomplete)
                _timer.Arm(_options.ReceiverTimeout);
            else
                _timer.Disarm();
        }
    }

    private bool HoldsIncomplete => _state is State.InFrame or State.InCheck || _framesHeld > 0 || _discardingMessage || _lastRefused;

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
            case State.Skipping:
                if (Array.IndexOf(_options.Start, b) >= 0)
                    StartFrame(b);
                else if (b == _options.EndOfMessage)
                    EndMessage();
                else if (_state == State.Outside && !_inGarbage)
                {
                    _inGarbage = true;
                    _handler.Problem(new LinkProblem(LinkProblemKind.BytesOutsideFrame, "bytes outside a frame ignored"));
                }
                break;
            case State.InFrame:
                InFrame(b);
                break;
            case State.InCheck:
                _check[_checkLength++] = b;
                if (Grow() && _checkLength == _check.Length)
                    OnFrame();
                break;
        }
    }

    private void StartFrame(byte start)
    {
        _reply.Cancel();
        _inGarbage = false;
        _state = State.InFrame;
        _start = start;
        _textLength = 0;
        _checkLength = 0;
        _frameLength = 1;
    }

    private void InFrame(byte b)
    {
        if (Array.IndexOf(_options.Start, b) >= 0)
        {
            Refuse(LinkProblemKind.MalformedFrame, $"frame restarted after {_frameLength} bytes", reply: false);
            StartFrame(b);
            return;
        }
        if (Array.IndexOf(_options.End, b) >= 0)
        {
            _end = b;
            if (!Grow())
                return;
            if (_options.Check is not null && _options.CheckPosition == ChecksumPosition.AfterEnd)
                _state = State.InCheck;
            else
                OnFrame();
            return;
        }
        if (b == _options.EndOfMessage)
        {
            _state = State.Outside;
            DiscardMessage(LinkProblemKind.TransferInterrupted, $"end of message inside a frame of {_frameLength} bytes");
            _reply.Nak();
            return;
        }
        if (Grow())
            _text[_textLength++] = b;
    }

    /// <summary>Counts one more byte of the frame; past the maximum the frame is refused and the rest skipped.</summary>
    private bool Grow()
    {
        if (_frameLength < _options.MaxFrameSize)
        {
            _frameLength++;
            return true;
        }
        _state = State.Skipping;
        _textLength = _checkLength = 0;
        Refuse(LinkProblemKind.FrameTooLong, $"frame over {_options.MaxFrameSize} bytes");
        return false;
    }

    private void OnFrame()
    {
        _state = State.Outside;
        var text = _text.AsSpan(0, _textLength);
        var check = _check.AsSpan(0, _checkLength);
        var length = _frameLength;
        _textLength = _checkLength = 0;
        if (_options.Check is { } frameCheck)
        {
            if (_options.CheckPosition == ChecksumPosition.BeforeEnd)
            {
                if (text.Length < frameCheck.Length)
                {
                    Refuse(LinkProblemKind.MalformedFrame, $"frame of {length} bytes too short for its check");
                    return;
                }
                check = text[^frameCheck.Length..];
                text = text[..^frameCheck.Length];
            }
            if (!IsValid(frameCheck, text, check))
            {
                Refuse(LinkProblemKind.BadChecksum, $"frame of {length} bytes");
                return;
            }
        }
        if (_options.EndOfMessage is null)
        {
            Deliver(text);
            return;
        }
        if (_discardingMessage)
        {
            _reply.Nak(); // the message is lost already: refused up to its end
            return;
        }
        var joined = (long)_message.WrittenCount + (_framesHeld > 0 ? _options.JoinWith.Length : 0) + text.Length;
        if (joined > _options.MaxMessageSize)
        {
            Refuse(LinkProblemKind.MessageTooLong, $"message over {_options.MaxMessageSize} bytes");
            DropMessage();
            return;
        }
        if (_framesHeld++ > 0)
            _message.Write(_options.JoinWith);
        _message.Write(text);
        _lastRefused = false;
        _reply.Ack(); // a frame inside a message: the device waits for it to send the next
    }

    private bool IsValid(Checks.FrameCheck frameCheck, ReadOnlySpan<byte> text, ReadOnlySpan<byte> check)
    {
        if (!frameCheck.TryDecode(check, out var sent))
            return false;
        var checksum = frameCheck.Checksum;
        var state = checksum.Begin();
        if (_options.CheckCoversStart)
            state = checksum.Add(state, [_start]);
        state = checksum.Add(state, text);
        if (_options.CheckCoversEnd && _options.CheckPosition == ChecksumPosition.AfterEnd)
            state = checksum.Add(state, [_end]);
        return checksum.End(state) == sent;
    }

    private void EndMessage()
    {
        if (_discardingMessage || _lastRefused)
        {
            if (!_discardingMessage)
                _handler.Problem(new LinkProblem(LinkProblemKind.TransferInterrupted, $"message ended after a refused frame: {_message.WrittenCount} bytes discarded"));
            _message.Clear();
            _framesHeld = 0;
            _discardingMessage = _lastRefused = false;
            _reply.Nak();
            return;
        }
        if (_framesHeld == 0)
            return; // an end of message with nothing before it: nothing to store, nothing to answer
        var text = _message.WrittenSpan.ToArray();
        _message.Clear();
        _framesHeld = 0;
        Deliver(text);
    }

    private void Deliver(ReadOnlySpan<byte> text)
    {
        if (text.Length > _options.MaxMessageSize)
        {
            Refuse(LinkProblemKind.MessageTooLong, $"message over {_options.MaxMessageSize} bytes");
            return;
        }
        if (text.IsEmpty)
        {
            _reply.Ack(); // nothing to store, so nothing to lose: no message for the caller
            return;
        }
        var number = ++_messageNumber;
        _reply.Hold(number);
        _handler.MessageReceived(new DeviceLinkMessage(number, text.ToArray(), _reply.Enabled));
    }

    /// <summary>A frame is refused: NAK (when <paramref name="reply"/>), and the message it belonged to waits for its retransmission or is lost.</summary>
    private void Refuse(LinkProblemKind kind, string detail, bool reply = true)
    {
        _handler.Problem(new LinkProblem(kind, detail));
        if (reply)
            _reply.Nak();
        if (_options.EndOfMessage is null)
            return;
        if (_reply.Enabled)
            _lastRefused = true; // the device sends the frame again
        else
            DropMessage(); // it cannot: the message would miss a frame
    }

    /// <summary>The message held is lost: its frames are dropped up to the end-of-message byte.</summary>
    private void DropMessage()
    {
        _message.Clear();
        _framesHeld = 0;
        _discardingMessage = true;
    }

    private void DiscardMessage(LinkProblemKind kind, string detail)
    {
        _handler.Problem(new LinkProblem(kind, $"{detail}: {_message.WrittenCount} bytes of an incomplete message discarded"));
        _message.Clear();
        _framesHeld = 0;
        _textLength = _checkLength = 0;
        _discardingMessage = _lastRefused = false;
    }

    private void OnTimeout()
    {
        if (!HoldsIncomplete)
            return;
        DiscardMessage(LinkProblemKind.ReceiverTimeout, $"nothing for {_options.ReceiverTimeout.TotalSeconds:0.#} s");
        _state = State.Outside;
        _inGarbage = false;
    }

    public void Dispose() => _timer.Dispose();
}
