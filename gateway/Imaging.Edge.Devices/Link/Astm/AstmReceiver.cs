using System.Buffers;

namespace Imaging.Edge.Devices.Link.Astm;

/// <summary>
/// The receiving side of an <c>astm-e1381</c> link (CLSI LIS01-A2), a pure state machine: bytes from the port go in
/// through <see cref="Receive"/>, replies and events come out through the <see cref="IAstmLinkHandler"/>, timeouts
/// come from the <see cref="TimeProvider"/>. It never throws on any input.
/// <list type="bullet">
/// <item>Establishment (§8.2.2): ENQ is answered with ACK, or with NAK while the caller refuses data (below the disk
/// reserve).</item>
/// <item>Transfer (§8.3): characters before STX are ignored; a frame <c>STX FN text ETB|ETX C1 C2 CR LF</c> is
/// answered with ACK when valid and its FN is the next one (1 first, then modulo 8); a frame whose FN repeats the last
/// accepted one is a retransmission (its ACK was lost): ACK, not appended twice. A bad checksum, a malformed frame,
/// restricted characters, a frame over the maximum size or any other FN: NAK (the sender retransmits).</item>
/// <item>Termination (§8.2.5): EOT ends the transfer; an incomplete message is discarded, as it is when no frame or
/// EOT comes for 30 s (§8.5.2).</item>
/// </list>
/// <para>
/// <b>Deferred acknowledgement (the gateway's one rule).</b> The ACK of a message's last frame is what tells the device
/// the message was delivered; a device may then forget it. So when the last frame of a message arrives the receiver
/// does NOT answer it: it reports the whole message (<see cref="IAstmLinkHandler.MessageReceived"/>) and waits for
/// <see cref="Acknowledge"/>. The caller stores the message durably (spool, fsync, rename, folder fsync, commit) and
/// then calls <c>Acknowledge(number, durable: true)</c>, which sends the ACK; if storing failed it calls
/// <c>Acknowledge(number, durable: false)</c>, which sends NAK, so the device retransmits that frame and the message
/// is reported again. Nothing is acknowledged before it is stored. If the device gives up while the store is running
/// (its 15 s timer, then EOT), the late acknowledgement sends nothing: the device will send the message again, and a
/// duplicate is the safe side of the rule.
/// </para>
/// </summary>
internal sealed class AstmReceiver : IDisposable
{
    private readonly AstmLinkOptions _options;
    private readonly IAstmLinkHandler _handler;
    private readonly Func<bool> _refuseData;
    private readonly object _gate;
    private readonly LinkTimer _timer;
    private readonly byte[] _frame;
    private readonly ArrayBufferWriter<byte> _message = new();
    private State _state = State.Neutral;
    private int _frameLength;
    private bool _frameTooLong;
    private int _lastAccepted;
    private bool _acceptedAny;
    /// <summary>Bytes at the start of <see cref="_message"/> already acknowledged as ETX frames (terminator-record mode).</summary>
    private int _acknowledgedLength;
    private long _messageNumber;
    private Pending? _pending;

    /// <param name="refuseData">Asked at each ENQ: true answers NAK (this side is busy, e.g. below the disk reserve).</param>
    /// <param name="gate">The lock shared with the sending side of the same line (<see cref="AstmLink"/>); null for its own.</param>
    public AstmReceiver(AstmLinkOptions options, IAstmLinkHandler handler, TimeProvider time, Func<bool>? refuseData = null, object? gate = null)
    {
        if (options.MaxFrameSize < AstmFrame.Overhead || options.MaxFrameSize > AstmLinkOptions.CurrentMaxFrameSize)
            throw new ArgumentOutOfRangeException(nameof(options), $"MaxFrameSize must be {AstmFrame.Overhead}..{AstmLinkOptions.CurrentMaxFrameSize}.");
        _options = options;
        _handler = handler;
        _refuseData = refuseData ?? (static () => false);
        _gate = gate ?? new object();
        _timer = new LinkTimer(time, _gate, OnTimeout);
        _frame = new byte[options.MaxFrameSize];
    }

    private enum State
    {
        /// <summary>No transfer: only ENQ matters.</summary>
        Neutral,
        /// <summary>In a transfer, between frames: waiting for STX or EOT.</summary>
        BetweenFrames,
        /// <summary>Inside a frame, up to its LF.</summary>
        InFrame,
        /// <summary>The last frame of a message was reported; its reply waits for <see cref="Acknowledge"/>.</summary>
        AwaitingStore,
    }

    private sealed record Pending(long Number, int FrameNumber, int TextLength);

    /// <summary>True while a transfer is under way (the line is taken by the peer).</summary>
    public bool IsBusy
    {
        get { lock (_gate) return _state != State.Neutral; }
    }

    /// <summary>The bytes of the frame being assembled and of the message held: bounded by the options.</summary>
    public (int Frame, int Message) BufferedBytes
    {
        get { lock (_gate) return (_frameLength, _message.WrittenCount); }
    }

    /// <summary>Feeds bytes from the port. Does not throw.</summary>
    public void Receive(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            foreach (var b in bytes)
                Step(b);
        }
    }

    /// <summary>
    /// The caller's word on message <paramref name="number"/>: durable (send the ACK of its last frame) or not (NAK:
    /// the device sends the frame again). False when that message no longer waits (the transfer ended meanwhile,
    /// or the number is unknown); nothing is sent then.
    /// </summary>
    public bool Acknowledge(long number, bool durable)
    {
        lock (_gate)
        {
            if (_state != State.AwaitingStore || _pending is null || _pending.Number != number)
                return false;
            var pending = _pending;
            _pending = null;
            if (durable)
            {
                Accept(pending.FrameNumber);
                _message.Clear();
                _acknowledgedLength = 0;
                Reply(AstmControl.Ack);
            }
            else
            {
                // Back to what preceded the last frame: its retransmission completes the message again.
                var before = _message.WrittenSpan[..^pending.TextLength].ToArray();
                _message.Clear();
                _message.Write(before);
                _handler.Problem(new LinkProblem(LinkProblemKind.StoreFailed, $"message {number} not stored; frame {pending.FrameNumber} refused"));
                Reply(AstmControl.Nak);
            }
            return true;
        }
    }

    /// <summary>One byte; the lock is held.</summary>
    internal void Step(byte b)
    {
        switch (_state)
        {
            case State.Neutral:
                if (b == AstmControl.Enq)
                    OnEnq();
                break; // anything else outside a transfer is line noise (§8.2.2)
            case State.BetweenFrames:
                if (b == AstmControl.Stx)
                    StartFrame();
                else if (b == AstmControl.Eot)
                    EndTransfer(LinkProblemKind.TransferInterrupted, "EOT");
                else if (b == AstmControl.Enq)
                {
                    // The sender started over (it gave up on the last transfer without its EOT reaching us).
                    EndTransfer(LinkProblemKind.TransferInterrupted, "ENQ");
                    OnEnq();
                }
                break; // characters before STX are ignored (§8.3.1)
            case State.InFrame:
                InFrame(b);
                break;
            case State.AwaitingStore:
                if (b == AstmControl.Eot)
                {
                    // The sender timed out waiting for the deferred ACK and ended the transfer: the store goes on,
                    // but its acknowledgement can no longer be sent (the device will send the message again).
                    _pending = null;
                    _message.Clear();
                    ResetTransfer();
                }
                break;
        }
    }

    private void OnEnq()
    {
        if (_refuseData())
        {
            _handler.Problem(new LinkProblem(LinkProblemKind.RefusedBusy, "ENQ refused"));
            _handler.Write([AstmControl.Nak]);
            return;
        }
        _state = State.BetweenFrames;
        _lastAccepted = 0;
        _acceptedAny = false;
        Reply(AstmControl.Ack);
    }

    private void StartFrame()
    {
        _state = State.InFrame;
        _frame[0] = AstmControl.Stx;
        _frameLength = 1;
        _frameTooLong = false;
    }

    private void InFrame(byte b)
    {
        switch (b)
        {
            case AstmControl.Stx:
                StartFrame(); // a sender that restarted its frame: the partial one is dropped
                return;
            case AstmControl.Eot:
                _frameLength = 0;
                EndTransfer(LinkProblemKind.TransferInterrupted, "EOT inside a frame");
                return;
        }
        if (_frameLength < _frame.Length)
            _frame[_frameLength++] = b;
        else
            _frameTooLong = true; // never buffered past the maximum; the frame ends at its LF and gets a NAK
        if (b == AstmControl.Lf)
            OnFrame();
    }

    private void OnFrame()
    {
        _state = State.BetweenFrames;
        var length = _frameLength;
        _frameLength = 0;
        if (_frameTooLong)
        {
            Refuse(LinkProblemKind.FrameTooLong, $"frame over {_options.MaxFrameSize} characters");
            return;
        }
        var check = AstmFrame.Check(_frame.AsSpan(0, length), out var frame);
        if (check != AstmFrameCheck.Valid || frame is null)
        {
            Refuse(check switch
            {
                AstmFrameCheck.BadChecksum => LinkProblemKind.BadChecksum,
                AstmFrameCheck.BadFrameNumber => LinkProblemKind.BadFrameNumber,
                AstmFrameCheck.RestrictedCharacter => LinkProblemKind.RestrictedCharacter,
                _ => LinkProblemKind.MalformedFrame,
            }, $"frame of {length} characters");
            return;
        }
        if (_acceptedAny && frame.Number == _lastAccepted)
        {
            Reply(AstmControl.Ack); // a retransmission: our ACK was lost; the text is already held (§8.3.2)
            return;
        }
        var expected = (_lastAccepted + 1) % 8;
        if (frame.Number != expected)
        {
            Refuse(LinkProblemKind.BadFrameNumber, $"frame number {frame.Number}, expected {expected}");
            return;
        }
        if ((long)_message.WrittenCount + frame.Text.Length > _options.MaxMessageSize)
        {
            // Refused, not discarded: the sender retries, then aborts with EOT, which discards the message.
            Refuse(LinkProblemKind.MessageTooLong, $"message over {_options.MaxMessageSize} bytes");
            return;
        }
        _message.Write(frame.Text);
        if (!frame.IsLast)
        {
            Accept(frame.Number);
            Reply(AstmControl.Ack);
            return;
        }
        if (_options.MessageBoundary == AstmMessageBoundary.TerminatorRecord && !EndsWithTerminatorRecord(_message.WrittenSpan))
        {
            Accept(frame.Number);
            _acknowledgedLength = _message.WrittenCount;
            Reply(AstmControl.Ack);
            return;
        }
        _timer.Disarm();
        _state = State.AwaitingStore;
        _pending = new Pending(++_messageNumber, frame.Number, frame.Text.Length);
        _handler.MessageReceived(new AstmReceivedMessage(_pending.Number, _message.WrittenSpan.ToArray(), AwaitsAcknowledgement: true));
    }

    private void Accept(int frameNumber)
    {
        _lastAccepted = frameNumber;
        _acceptedAny = true;
    }

    private void Refuse(LinkProblemKind kind, string detail)
    {
        _handler.Problem(new LinkProblem(kind, detail));
        Reply(AstmControl.Nak);
    }

    /// <summary>Answers within a transfer; the receiver timeout runs from each answer (§8.5.2).</summary>
    private void Reply(byte answer)
    {
        _state = State.BetweenFrames;
        _timer.Arm(_options.ReceiverTimeout);
        _handler.Write([answer]);
    }

    private void OnTimeout()
    {
        if (_state is State.BetweenFrames or State.InFrame)
            EndTransfer(LinkProblemKind.ReceiverTimeout, $"no frame for {_options.ReceiverTimeout.TotalSeconds:0} s");
    }

    /// <summary>
    /// The transfer ends without the last frame: what was acknowledged as complete ETX frames is handed over (the
    /// device believes it delivered), anything after it is discarded.
    /// </summary>
    private void EndTransfer(LinkProblemKind kind, string detail)
    {
        if (_acknowledgedLength > 0)
        {
            var acknowledged = _message.WrittenSpan[.._acknowledgedLength].ToArray();
            _handler.MessageReceived(new AstmReceivedMessage(++_messageNumber, acknowledged, AwaitsAcknowledgement: false));
        }
        if (_message.WrittenCount > _acknowledgedLength || kind == LinkProblemKind.ReceiverTimeout)
            _handler.Problem(new LinkProblem(kind, $"{detail}: {_message.WrittenCount - _acknowledgedLength} bytes of an incomplete message discarded"));
        _message.Clear();
        ResetTransfer();
    }

    private void ResetTransfer()
    {
        _timer.Disarm();
        _state = State.Neutral;
        _frameLength = 0;
        _acknowledgedLength = 0;
        _acceptedAny = false;
        _lastAccepted = 0;
    }

    /// <summary>Does the text end with an E1394 terminator record: a record "L" followed by a delimiter, ending with CR?</summary>
    internal static bool EndsWithTerminatorRecord(ReadOnlySpan<byte> text)
    {
        var end = text.Length;
        while (end > 0 && text[end - 1] is AstmControl.Cr or AstmControl.Lf)
            end--;
        if (end == 0)
            return false;
        var start = text[..end].LastIndexOf(AstmControl.Cr) + 1;
        var record = text[start..end];
        return record[0] == (byte)'L' && (record.Length == 1 || !char.IsAsciiLetterOrDigit((char)record[1]));
    }

    public void Dispose() => _timer.Dispose();
}
