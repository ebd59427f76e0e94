using System.Threading.Channels;
using Imaging.Edge.Devices.Link;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Privacy;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Serial;

/// <summary>
/// Listens to one serial device for the gateway's lifetime: opens its port (again and again, with backoff, after an
/// unplug, an I/O error or a port that does not exist yet), feeds what arrives to the profile's link state machine,
/// and stores each complete message (<see cref="DeviceMessageStore"/>) before acknowledging it on the link. Reports
/// connected/disconnected, last frame and counts to the <see cref="DeviceBoard"/>, and <c>device.*</c> events.
/// Refuses data while the disk is below the reserve (ASTM: NAK to ENQ). Survives any exception and says so.
/// </summary>
internal sealed class SerialDeviceListener : IAsyncDisposable
{
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Complete messages waiting for storage. A device that waits for acknowledgements has at most one; with
    /// <see cref="MaxWireBytes"/> this bounds a flooding device's memory to 32 MiB.
    /// </summary>
    private const int MaxWaitingMessages = 8;

    /// <summary>At most one link-problem line per device per interval: a device sending garbage cannot flood the journal (the status counts them all).</summary>
    private static readonly TimeSpan ProblemLogInterval = TimeSpan.FromSeconds(10);

    /// <summary>Bytes kept for one message's Raw Data instance (beyond it, the link's payload is kept instead).</summary>
    private const int MaxWireBytes = 4 * 1024 * 1024;

    private readonly DeviceSession _session;
    private readonly DeviceMessageStore _store;
    private readonly DeviceBoard _board;
    private readonly DeviceEvents _events;
    private readonly DiskSpaceGuard _disk;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _lastUnavailable;
    private volatile bool _refusing;

    public SerialDeviceListener(DeviceSession session, DeviceMessageStore store, DeviceBoard board, DeviceEvents events,
        DiskSpaceGuard disk, TimeProvider time, ILogger logger)
    {
        _session = session;
        _store = store;
        _board = board;
        _events = events;
        _disk = disk;
        _time = time;
        _logger = logger;
    }

    public SerialDevice Device => _session.Device;

    /// <summary>Completes once the port was tried the first time (opened or not, as the board then shows), or the listener stopped.</summary>
    public Task FirstAttempt => _firstAttempt.Task;

    public void Start()
    {
        _board.Add(Device);
        SerialLog.Listening(_logger, Device.Name, Device.Port, Device.ProfileName);
        _run = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Closes the port; a message being stored finishes storing first (it is never left half-made).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var backoff = FirstBackoff;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (await SessionAsync(stop))
                    backoff = FirstBackoff;
            }
            catch (Exception e)
            {
                // Never out of the loop: an exception nobody expected is said, and the port is tried again.
                if (!stop.IsCancellationRequested)
                    SerialLog.ListenerFailed(_logger, e, Device.Name, Outbound.ErrorText(e));
                _firstAttempt.TrySetResult();
            }
            try
            {
                await Task.Delay(backoff, _time, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
        _firstAttempt.TrySetResult();
    }

    /// <summary>One time the port is open, until it closes. False when it could not be opened.</summary>
    private async Task<bool> SessionAsync(CancellationToken stop)
    {
        SerialLine? line = null;
        string? reason = null;
        try
        {
            // A port that is not there says so plainly (System.IO.Ports reports it as an access error).
            if (File.Exists(Device.Port))
                line = SerialLine.Open(Device.Port, Device.Profile.Port);
            else
                reason = "no-such-port";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            reason = Outbound.ErrorText(e);
        }
        if (line is null)
        {
            reason ??= "closed";
            _board.SetState(Device.Name, DeviceBoard.Disconnected, _time.GetUtcNow(), reason);
            if (_lastUnavailable != reason)
                SerialLog.Unavailable(_logger, Device.Name, Device.Port, reason);
            _lastUnavailable = reason;
            _firstAttempt.TrySetResult();
            return false;
        }

        using (line)
        {
            _lastUnavailable = null;
            if (!line.ModemLines)
                SerialLog.NoModemLines(_logger, Device.Name, Device.Port);
            _board.SetState(Device.Name, DeviceBoard.Connected, _time.GetUtcNow());
            _firstAttempt.TrySetResult();
            SerialLog.Connected(_logger, Device.Name, Device.Port);
            RecordEvent("device.connected", () => _events.Connected(Device));

            var closed = await ReadUntilClosedAsync(line, stop);

            _board.SetState(Device.Name, DeviceBoard.Disconnected, _time.GetUtcNow(), closed);
            SerialLog.Disconnected(_logger, Device.Name, Device.Port, closed);
            RecordEvent("device.disconnected", () => _events.Disconnected(Device, closed));
            return true;
        }
    }

    /// <summary>Reads and feeds the link until the port fails or closes; then lets waiting messages finish storing.</summary>
    private async Task<string> ReadUntilClosedAsync(SerialLine line, CancellationToken stop)
    {
        var waiting = Channel.CreateBounded<(DeviceLinkMessage Message, byte[] Wire)>(new BoundedChannelOptions(MaxWaitingMessages) { SingleReader = true });
        var handler = new LinkHandler(this, line, waiting.Writer);
        using var link = DeviceLinks.Create(Device.Profile.Link, handler, _time, RefuseData);
        handler.Link = link;
        var storing = StoreWaitingAsync(link, waiting.Reader);
        var reason = "closed";
        // Closing the port is what ends a pending read on stop (a serial read does not always honour cancellation).
        using (stop.Register(line.Dispose))
        {
            try
            {
                var buffer = new byte[4096];
                while (true)
                {
                    var read = await line.Stream.ReadAsync(buffer, stop);
                    if (read == 0)
                        break;
                    _board.BytesReceived(Device.Name, _time.GetUtcNow());
                    handler.Feed(buffer.AsSpan(0, read));
                }
            }
            catch (Exception e)
            {
                reason = stop.IsCancellationRequested ? "stopped" : Outbound.ErrorText(e);
            }
            finally
            {
                waiting.Writer.TryComplete();
                await storing;
            }
        }
        return reason;
    }

    /// <summary>Stores each complete message in order, then tells the link (ACK only once durable).</summary>
    private async Task StoreWaitingAsync(IDeviceLink link, ChannelReader<(DeviceLinkMessage Message, byte[] Wire)> waiting)
    {
        await foreach (var (message, wire) in waiting.ReadAllAsync())
        {
            int? stored;
            try
            {
                stored = await _store.StoreAsync(_session, message, wire);
            }
            catch (Exception e)
            {
                SerialLog.ListenerFailed(_logger, e, Device.Name, Outbound.ErrorText(e));
                stored = null;
            }
            if (stored is { } objects)
            {
                _board.MessageStored(Device.Name, objects);
                _refusing = false;
            }
            else
            {
                _board.MessageRejected(Device.Name);
                RecordEvent("device.rejected", () => _events.Rejected(Device.Name, Device.Port, "store-failed"));
            }
            if (!message.AwaitsAcknowledgement)
                continue;
            try
            {
                link.Acknowledge(message.Number, durable: stored is not null);
            }
            catch (Exception e)
            {
                // The port failed under the reply; the read loop sees the same failure and reopens.
                SerialLog.LinkProblem(_logger, Device.Name, "AcknowledgeNotSent", Outbound.ErrorText(e));
            }
        }
    }

    /// <summary>Asked when the device starts a transfer: refuse while the disk is below the reserve (said once per spell).</summary>
    private bool RefuseData()
    {
        if (_disk.HasRoomForNewData())
            return false;
        if (!_refusing)
        {
            _refusing = true;
            SerialLog.RefusingBelowReserve(_logger, Device.Name);
            RecordEvent("device.rejected", () => _events.Rejected(Device.Name, Device.Port, "disk-reserve"));
        }
        return true;
    }

    private void RecordEvent(string type, Action record)
    {
        try
        {
            record();
        }
        catch (Exception e)
        {
            SerialLog.EventNotRecorded(_logger, type, Outbound.ErrorText(e));
        }
    }

    /// <summary>
    /// The link's side of one open port: writes its replies, records the bytes of each message as received (for the
    /// Raw Data instance) and hands complete messages to storage. Called under the link's lock.
    /// </summary>
    private sealed class LinkHandler(SerialDeviceListener listener, SerialLine line, ChannelWriter<(DeviceLinkMessage, byte[])> waiting) : IDeviceLinkHandler
    {
        private readonly MemoryStream _wire = new();
        private bool _wireOverflow;
        private long _problemLoggedAt = long.MinValue;

        public IDeviceLink? Link { get; set; }

        /// <summary>One byte at a time, so that each message's bytes end exactly where the link completed it.</summary>
        public void Feed(ReadOnlySpan<byte> bytes)
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                lock (_wire)
                {
                    if (_wire.Length < MaxWireBytes)
                        _wire.WriteByte(bytes[i]);
                    else
                        _wireOverflow = true;
                }
                Link!.Receive(bytes.Slice(i, 1));
            }
        }

        public void Write(ReadOnlySpan<byte> bytes) => line.Write(bytes);

        public void MessageReceived(DeviceLinkMessage message)
        {
            byte[] wire;
            lock (_wire) // a link may complete a message from its timer (an idle timeout), beside Feed
            {
                wire = _wireOverflow ? message.Text : _wire.ToArray();
                _wire.SetLength(0);
                _wireOverflow = false;
            }
            if (waiting.TryWrite((message, wire)))
                return;
            var device = listener.Device;
            SerialLog.NotStored(listener._logger, device.Name, message.Number, "queue-full");
            listener._board.MessageRejected(device.Name);
            listener.RecordEvent("device.rejected", () => listener._events.Rejected(device.Name, device.Port, "queue-full"));
            if (message.AwaitsAcknowledgement)
                Link!.Acknowledge(message.Number, durable: false);
        }

        public void Problem(LinkProblem problem)
        {
            var device = listener.Device;
            listener._board.LinkProblem(device.Name);
            // A refusal below the reserve is said once per spell (RefuseData); a failed store was logged by the store.
            if (problem.Kind is LinkProblemKind.RefusedBusy or LinkProblemKind.StoreFailed)
                return;
            var now = listener._time.GetTimestamp();
            if (_problemLoggedAt != long.MinValue && listener._time.GetElapsedTime(_problemLoggedAt, now) < ProblemLogInterval)
                return;
            _problemLoggedAt = now;
            SerialLog.LinkProblem(listener._logger, device.Name, problem.Kind.ToString(), SafeText.Printable(problem.Detail));
        }
    }
}
