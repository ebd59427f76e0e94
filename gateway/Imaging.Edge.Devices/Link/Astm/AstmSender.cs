namespace Imaging.Edge.Devices.Link.Astm;

/// <summary>
/// The sending side of an <c>astm-e1381</c> link (CLSI LIS01-A2), a pure state machine like <see cref="AstmReceiver"/>:
/// the gateway needs it to play the device in tests and, later, to download orders.
/// <list type="bullet">
/// <item>Establishment (§8.2.2): ENQ; ACK starts the frames; NAK (the receiver is busy) waits 10 s and sends ENQ again
/// (§8.2.6); ENQ from the peer is contention (§8.2.7.1): the instrument waits 1 s and repeats its ENQ, the computer
/// yields (its receiver takes the peer's next ENQ) and tries again after 20 s.</item>
/// <item>Transfer (§8.3): the text is cut into frames of at most <see cref="AstmLinkOptions.MaxFrameSize"/>
/// characters, ETB on all but the last (ETX), numbered from 1 modulo 8. ACK (or EOT, the receiver's interrupt
/// request, §8.3.5, taken as an ACK) sends the next frame; NAK or any other character sends the same frame again, at
/// most six times in all (§8.5.1.2); no reply within 15 s (§8.5.1) aborts.</item>
/// <item>Termination (§8.2.5): EOT after the last frame, or after an abort.</item>
/// </list>
/// One transfer per message. Never throws on input.
/// </summary>
internal sealed class AstmSender : IDisposable
{
    private readonly AstmLinkOptions _options;
    private readonly IAstmLinkHandler _handler;
    private readonly AstmRole _role;
    private readonly Func<bool> _lineTaken;
    private readonly object _gate;
    private readonly LinkTimer _timer;
    private readonly Queue<(long Id, byte[] Text)> _queue = new();
    private State _state = State.Idle;
    private List<byte[]> _frames = [];
    private int _frameIndex;
    private int _attempts;
    private long _nextId;

    /// <param name="lineTaken">True while the peer holds the line (our receiver is in a transfer): no ENQ then.</param>
    /// <param name="gate">The lock shared with the receiving side of the same line; null for its own.</param>
    public AstmSender(AstmLinkOptions options, IAstmLinkHandler handler, TimeProvider time, AstmRole role, Func<bool>? lineTaken = null, object? gate = null)
    {
        if (options.MaxFrameSize <= AstmFrame.Overhead)
            throw new ArgumentOutOfRangeException(nameof(options), "MaxFrameSize leaves no room for text.");
        _options = options;
        _handler = handler;
        _role = role;
        _lineTaken = lineTaken ?? (static () => false);
        _gate = gate ?? new object();
        _timer = new LinkTimer(time, _gate, OnTimeout);
    }

    private enum State
    {
        Idle,
        AwaitingEnqReply,
        AwaitingFrameReply,
        /// <summary>Before the next ENQ: after a busy NAK or contention.</summary>
        Waiting,
    }

    /// <summary>True while this side holds the line: the peer's bytes are replies to us.</summary>
    public bool IsActive
    {
        get { lock (_gate) return _state is State.AwaitingEnqReply or State.AwaitingFrameReply; }
    }

    /// <summary>Queues a message (records ending with CR) and starts sending when the line is free. Returns its id.</summary>
    public long Send(ReadOnlySpan<byte> text)
    {
        lock (_gate)
        {
            var id = ++_nextId;
            _queue.Enqueue((id, text.ToArray()));
            TryStart();
            return id;
        }
    }

    /// <summary>Feeds the peer's replies. Does not throw.</summary>
    public void Receive(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            foreach (var b in bytes)
                Step(b);
        }
    }

    /// <summary>Starts the next queued message if idle and the line is free; the lock is held.</summary>
    internal void TryStart()
    {
        if (_state != State.Idle || _queue.Count == 0 || _lineTaken())
            return;
        _frames = Split(_queue.Peek().Text);
        SendEnq();
    }

    /// <summary>One byte from the peer; the lock is held.</summary>
    internal void Step(byte b)
    {
        switch (_state)
        {
            case State.AwaitingEnqReply:
                OnEnqReply(b);
                break;
            case State.AwaitingFrameReply:
                OnFrameReply(b);
                break;
        }
    }

    private void OnEnqReply(byte b)
    {
        switch (b)
        {
            case AstmControl.Ack:
                _frameIndex = 0;
                _attempts = 0;
                SendFrame();
                break;
            case AstmControl.Nak:
                Wait(_options.BusyRetryDelay);
                break;
            case AstmControl.Enq when _role == AstmRole.Instrument:
                Wait(_options.InstrumentContentionDelay);
                break;
            case AstmControl.Enq:
                _handler.Problem(new LinkProblem(LinkProblemKind.Contention, "both sides sent ENQ; the computer yields"));
                Wait(_options.ComputerContentionDelay);
                break;
        }
    }

    private void OnFrameReply(byte b)
    {
        if (b is AstmControl.Ack or AstmControl.Eot)
        {
            _frameIndex++;
            _attempts = 0;
            if (_frameIndex < _frames.Count)
                SendFrame();
            else
                Finish(sent: true);
            return;
        }
        if (_attempts >= _options.MaxAttempts)
        {
            _handler.Problem(new LinkProblem(LinkProblemKind.TooManyAttempts, $"frame {(_frameIndex + 1) % 8} refused {_attempts} times; message aborted"));
            Finish(sent: false);
            return;
        }
        SendFrame();
    }

    private void SendEnq()
    {
        _state = State.AwaitingEnqReply;
        _timer.Arm(_options.SenderTimeout);
        _handler.Write([AstmControl.Enq]);
    }

    private void SendFrame()
    {
        _attempts++;
        _state = State.AwaitingFrameReply;
        _timer.Arm(_options.SenderTimeout);
        _handler.Write(_frames[_frameIndex]);
    }

    private void Wait(TimeSpan delay)
    {
        _state = State.Waiting;
        _timer.Arm(delay);
    }

    private void OnTimeout()
    {
        switch (_state)
        {
            case State.Waiting:
                _state = State.Idle;
                TryStart();
                break;
            case State.AwaitingEnqReply or State.AwaitingFrameReply:
                _handler.Problem(new LinkProblem(LinkProblemKind.SenderTimeout, $"no reply for {_options.SenderTimeout.TotalSeconds:0} s; message aborted"));
                Finish(sent: false);
                break;
        }
    }

    private void Finish(bool sent)
    {
        _timer.Disarm();
        var (id, _) = _queue.Dequeue();
        _state = State.Idle;
        _handler.Write([AstmControl.Eot]);
        if (sent)
            _handler.MessageSent(id);
        TryStart();
    }

    /// <summary>The message's frames: text cut at the maximum frame size, FN from 1 modulo 8, ETX on the last.</summary>
    private List<byte[]> Split(byte[] text)
    {
        var room = _options.MaxFrameSize - AstmFrame.Overhead;
        var frames = new List<byte[]>();
        var offset = 0;
        do
        {
            var length = Math.Min(room, text.Length - offset);
            var last = offset + length >= text.Length;
            frames.Add(AstmFrame.Build((frames.Count + 1) % 8, text.AsSpan(offset, length), last));
            offset += length;
        }
        while (offset < text.Length);
        return frames;
    }

    public void Dispose() => _timer.Dispose();
}
