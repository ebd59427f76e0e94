using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>How a hostile or scripted connection ended, as seen by the peer.</summary>
/// <param name="Last">The A-ABORT or A-ASSOCIATE-RJ the server sent last, if any.</param>
/// <param name="Closed">The server closed (or reset) the connection.</param>
/// <param name="TimedOut">Neither happened within the time limit.</param>
/// <param name="Elapsed">From the start of the wait to the abort, reject or close.</param>
internal sealed record RawOutcome(Pdu? Last, bool Closed, bool TimedOut, TimeSpan Elapsed)
{
    public bool AbortedOrClosed => !TimedOut && (Last is AbortPdu || Closed);

    public override string ToString() =>
        $"last PDU {Last?.ToString() ?? "none"}, closed {Closed}, timed out {TimedOut}, after {Elapsed.TotalMilliseconds:F0} ms";
}

/// <summary>
/// A raw TCP peer of the receiver on 127.0.0.1: sends whatever bytes a test wants (valid PDUs built with
/// <see cref="PduWriter"/> or garbage) and reads PDUs back with <see cref="PduReader"/>, always with a time limit.
/// </summary>
internal sealed class RawDicomConnection : IAsyncDisposable
{
    public const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    public const string MrImageStorage = "1.2.840.10008.5.1.4.1.1.4";
    public const string ExplicitVrLittleEndian = "1.2.840.10008.1.2.1";
    public const string ImplicitVrLittleEndian = "1.2.840.10008.1.2";

    private static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(15);

    private readonly Socket _socket;
    private byte[] _pending = new byte[64 * 1024];
    private int _pendingCount;
    private bool _peerClosed;

    private RawDicomConnection(Socket socket) => _socket = socket;

    public Socket Socket => _socket;

    public static async Task<RawDicomConnection> ConnectAsync(int port, IPAddress? local = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (local is not null) socket.Bind(new IPEndPoint(local, 0));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
        return new RawDicomConnection(socket);
    }

    /// <summary>Sends bytes; returns false when the server had already closed or reset the connection.</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (!bytes.IsEmpty)
            {
                var sent = await _socket.SendAsync(bytes, SocketFlags.None, cts.Token);
                bytes = bytes[sent..];
            }
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public Task<bool> SendPduAsync(Pdu pdu) => SendAsync(Encode(pdu));

    public static byte[] Encode(Pdu pdu)
    {
        var buffer = new ArrayBufferWriter<byte>();
        PduWriter.Write(buffer, pdu);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] EncodePData(byte contextId, bool isCommand, bool isLast, ReadOnlySpan<byte> data)
    {
        var buffer = new ArrayBufferWriter<byte>();
        PduWriter.WritePData(buffer, contextId, isCommand, isLast, data);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>An A-ASSOCIATE-RQ to the receiver, with a user-information item like a real SCU's.</summary>
    public static AssociateRequestPdu Request(IReadOnlyList<PresentationContextProposal> contexts, string callingAe = "RAWSCU",
        string calledAe = ReceiverUnderTest.AeTitle, string applicationContext = WellKnownUids.ApplicationContext,
        IReadOnlyList<RoleSelection>? roles = null) =>
        new(calledAe, callingAe, applicationContext, contexts, new UserInformation
        {
            MaxPduLength = 64 * 1024,
            ImplementationClassUid = "1.2.826.0.1.3680043.10.1234.99",
            ImplementationVersionName = "RAWSCU",
            RoleSelections = roles ?? [],
        });

    /// <summary>CT Image Storage in explicit VR little endian (id 1) and Verification (id 3).</summary>
    public static IReadOnlyList<PresentationContextProposal> CtAndVerification() =>
    [
        new(1, CtImageStorage, [ExplicitVrLittleEndian]),
        new(3, WellKnownUids.Verification, [ExplicitVrLittleEndian, ImplicitVrLittleEndian]),
    ];

    /// <summary>Sends the request and returns the server's answer (AC, RJ or abort), or null if it closed without one.</summary>
    public async Task<Pdu?> AssociateAsync(AssociateRequestPdu request)
    {
        Assert.True(await SendPduAsync(request), "the server closed the connection before the A-ASSOCIATE-RQ was sent");
        return await ReadPduAsync(DefaultLimit);
    }

    /// <summary>Connects and negotiates CT storage + Verification; asserts that the server accepted both.</summary>
    public static async Task<RawDicomConnection> AssociateCtAsync(int port)
    {
        var connection = await ConnectAsync(port);
        var answer = await connection.AssociateAsync(Request(CtAndVerification()));
        var accept = Assert.IsType<AssociateAcceptPdu>(answer);
        Assert.All(accept.PresentationContexts, c => Assert.Equal(PresentationContextResultReason.Acceptance, c.Result));
        return connection;
    }

    /// <summary>Reads the next PDU; null when the server closed or reset the connection. Throws <see cref="TimeoutException"/>.</summary>
    public async Task<Pdu?> ReadPduAsync(TimeSpan limit)
    {
        using var cts = new CancellationTokenSource(limit);
        while (true)
        {
            if (_pendingCount > 0)
            {
                var sequence = new ReadOnlySequence<byte>(_pending, 0, _pendingCount);
                if (PduReader.TryReadPdu(ref sequence, 0, out var pdu))
                {
                    var consumed = _pendingCount - (int)sequence.Length;
                    // P-DATA values are slices of our buffer: copy the PDU out before shifting.
                    pdu = Detach(pdu);
                    Buffer.BlockCopy(_pending, consumed, _pending, 0, _pendingCount - consumed);
                    _pendingCount -= consumed;
                    return pdu;
                }
            }
            if (_peerClosed) return null;
            if (_pendingCount == _pending.Length) Array.Resize(ref _pending, _pending.Length * 2);
            int read;
            try
            {
                read = await _socket.ReceiveAsync(_pending.AsMemory(_pendingCount), SocketFlags.None, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no PDU from the server within {limit.TotalSeconds:F1} s");
            }
            catch (SocketException)
            {
                read = 0; // reset: as good as closed
            }
            if (read == 0) _peerClosed = true;
            _pendingCount += read;
        }
    }

    private static Pdu Detach(Pdu pdu) => pdu is PDataTfPdu data
        ? new PDataTfPdu(data.Values.Select(v => v with { Data = new ReadOnlySequence<byte>(v.Data.ToArray()) }).ToList())
        : pdu;

    /// <summary>
    /// Reads until the server sends A-ABORT or A-ASSOCIATE-RJ, or closes, or <paramref name="limit"/> passes.
    /// Other PDUs (for example a DIMSE response) are skipped.
    /// </summary>
    public async Task<RawOutcome> WaitForEndAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var left = limit - clock.Elapsed;
            if (left <= TimeSpan.Zero) return new RawOutcome(null, false, true, clock.Elapsed);
            Pdu? pdu;
            try
            {
                pdu = await ReadPduAsync(left);
            }
            catch (TimeoutException)
            {
                return new RawOutcome(null, false, true, clock.Elapsed);
            }
            catch (PduFormatException)
            {
                return new RawOutcome(null, true, false, clock.Elapsed); // not a PDU stream any more
            }
            if (pdu is null) return new RawOutcome(null, true, false, clock.Elapsed);
            if (pdu is AbortPdu or AssociateRejectPdu) return new RawOutcome(pdu, false, false, clock.Elapsed);
        }
    }

    /// <summary>Sends a complete command set as one P-DATA-TF.</summary>
    public Task<bool> SendCommandAsync(byte contextId, CommandSet command) =>
        SendAsync(EncodePData(contextId, isCommand: true, isLast: true, command.Encode()));

    /// <summary>Sends data set bytes in P-DATA-TFs of at most <paramref name="fragment"/> bytes; the last carries the last bit when <paramref name="last"/>.</summary>
    public async Task<bool> SendDataSetAsync(byte contextId, ReadOnlyMemory<byte> data, bool last = true, int fragment = 16 * 1024)
    {
        do
        {
            var size = Math.Min(fragment, data.Length);
            var isLast = last && size == data.Length;
            if (!await SendAsync(EncodePData(contextId, isCommand: false, isLast, data.Span[..size]))) return false;
            data = data[size..];
        }
        while (!data.IsEmpty);
        return true;
    }

    /// <summary>Reads PDUs until a complete DIMSE command arrives; fails the test on abort, close or time limit.</summary>
    public async Task<CommandSet> ReadCommandAsync(TimeSpan? limit = null)
    {
        var command = new ArrayBufferWriter<byte>();
        while (true)
        {
            var pdu = await ReadPduAsync(limit ?? DefaultLimit);
            var data = pdu as PDataTfPdu;
            Assert.True(data is not null, $"expected a DIMSE response, got {pdu?.ToString() ?? "a closed connection"}");
            foreach (var value in data.Values.Where(v => v.IsCommand))
            {
                foreach (var segment in value.Data) command.Write(segment.Span);
                if (value.IsLast) return CommandSet.Parse(command.WrittenSpan);
            }
        }
    }

    /// <summary>Sends A-RELEASE-RQ and expects A-RELEASE-RP.</summary>
    public async Task ReleaseAsync()
    {
        Assert.True(await SendPduAsync(ReleaseRequestPdu.Instance), "the server closed the connection before the release");
        var answer = await ReadPduAsync(DefaultLimit);
        Assert.IsType<ReleaseResponsePdu>(answer);
    }

    /// <summary>Half-closes: the server sees end of stream, we can still read its answer.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
