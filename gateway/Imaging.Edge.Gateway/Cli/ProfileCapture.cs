using System.Globalization;
using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Gateway.Serial;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>
/// <c>profiles capture PORT --profile P --out FILE [--seconds N] [--passive]</c>: records what a device sends, byte
/// for byte, into a capture file for support and for writing a profile (<c>profiles replay</c> reads it). The port is
/// opened with the profile's settings and, unless <c>--passive</c>, the profile's link answers the device as the
/// gateway would (ASTM: ACK), so that it goes on sending — but nothing is stored. Stops after N seconds, at Ctrl-C, or
/// at <see cref="MaxBytes"/>. The gateway's own listener must not hold the port meanwhile (stop the gateway first).
/// The file holds patient data: handle it as such.
/// </summary>
internal static class ProfileCapture
{
    public const int MaxBytes = 16 * 1024 * 1024;

    public static async Task<int> RunAsync(string port, HardwareProfile profile, string outFile, TimeSpan? duration, bool passive)
    {
        using var stop = new CancellationTokenSource();
        if (duration is { } limit)
            stop.CancelAfter(limit);
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; stop.Cancel(); };
        Console.CancelKeyPress += onCancel;
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        try
        {
            using var line = SerialLine.Open(port, profile.Port);
            await using var file = new FileStream(outFile, FileMode.Create, FileAccess.Write, FileShare.Read);
            var answers = new Answers(line, passive);
            using var link = DeviceLinks.Create(profile.Link, answers, TimeProvider.System);
            answers.Link = link;
            Console.WriteLine($"capturing {port} ({profile.Port.BaudRate} baud{(passive ? ", passive" : ", answering as the gateway")}) into {outFile}; Ctrl-C to stop");
            var total = 0L;
            using (stop.Token.Register(line.Dispose))
            {
                try
                {
                    var buffer = new byte[4096];
                    int read;
                    while (total < MaxBytes && (read = await line.Stream.ReadAsync(buffer, stop.Token)) > 0)
                    {
                        await file.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None);
                        await file.FlushAsync(CancellationToken.None);
                        total += read;
                        link.Receive(buffer.AsSpan(0, read));
                    }
                }
                catch (Exception e) when (stop.IsCancellationRequested || e is IOException or ObjectDisposedException)
                {
                    if (!stop.IsCancellationRequested)
                        await Console.Error.WriteLineAsync($"{port}: the port closed ({e.GetType().Name})");
                }
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"captured {total} bytes, {answers.Messages} complete messages, {answers.Problems} link problems"));
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"{port}: cannot be opened ({e.GetType().Name}: {e.Message})");
            return ExitCodes.Failure;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Answers the device as the gateway's link would, taking every message as stored (nothing is).</summary>
    private sealed class Answers(SerialLine line, bool passive) : IDeviceLinkHandler
    {
        public IDeviceLink? Link { get; set; }
        public int Messages { get; private set; }
        public int Problems { get; private set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            if (!passive)
                line.Write(bytes);
        }

        public void MessageReceived(DeviceLinkMessage message)
        {
            Messages++;
            if (message.AwaitsAcknowledgement)
                Link?.Acknowledge(message.Number, durable: true);
        }

        public void Problem(LinkProblem problem) => Problems++;
    }
}
