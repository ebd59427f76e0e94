using System.Buffers;
using Imaging.Edge.Devices.Link;
using Imaging.Edge.Devices.Output;
using Imaging.Edge.Devices.Parsing;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Data.Writing;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Serial;

/// <summary>
/// Turns one complete device message into DICOM objects (the profile's parser and output: a Comprehensive SR or an
/// ophthalmic measurement, and a Raw Data instance with the bytes as received) and puts each through the same intake
/// as a C-STORE (<see cref="SpoolIntake.Begin"/>: spool, fsync, rename, folder fsync, commit). True only when every
/// object is durable: then, and only then, the listener acknowledges the message on the link.
/// </summary>
/// <remarks>
/// A message that could not be parsed at all still keeps its bytes (a Raw Data instance in an unidentified study):
/// nothing a device sent is thrown away unseen. When storage fails part-way, the objects already stored stay (each is
/// whole) and the device's retransmission stores the message again: a duplicate, never a loss.
/// </remarks>
internal sealed class DeviceMessageStore(SpoolIntake intake, UidGenerator uids, TimeProvider time, ILogger<DeviceMessageStore> logger)
{
    /// <summary>Stores the message; the count of objects stored, or null when it was not stored (the reason is logged).</summary>
    /// <param name="received">The bytes as the device sent them for this message (framing included), for the Raw Data instance.</param>
    public async Task<int?> StoreAsync(DeviceSession session, DeviceLinkMessage message, byte[] received)
    {
        var device = session.Device;
        var outcome = session.Parser.Read(message.Text);
        var problems = outcome.Problems.Concat(outcome.Messages.SelectMany(m => m.Problems)).ToList();
        if (problems.Count > 0)
            SerialLog.ParseProblems(logger, device.Name, message.Number, problems.Count, SafeText.Printable(problems[0].ToString()));

        // Nothing understood: the bytes are kept all the same (Raw Data, unidentified study).
        IReadOnlyList<DeviceMessage> messages = outcome.Messages.Count > 0
            ? outcome.Messages
            : [new DeviceMessage(null, null, false, [], null, problems)];
        var receivedAt = time.GetLocalNow().DateTime;
        var outputProblems = new List<ParseProblem>();
        var objects = messages.SelectMany(m => DeviceOutputBuilder.Build(m, received, device.Profile, session.Source, receivedAt, uids, outputProblems)).ToList();
        // For example an ophthalmic object that the results do not fit: they went into a Comprehensive SR instead.
        if (outputProblems.Count > 0)
            SerialLog.ParseProblems(logger, device.Name, message.Number, outputProblems.Count, SafeText.Printable(outputProblems[0].ToString()));

        foreach (var dicom in objects)
        {
            var reason = await StoreObjectAsync(session, message, dicom);
            if (reason is not null)
            {
                SerialLog.NotStored(logger, device.Name, message.Number, reason);
                return null;
            }
        }
        SerialLog.Stored(logger, device.Name, message.Number, objects.Count);
        return objects.Count;
    }

    /// <summary>Null when durable and queued; otherwise a reason code.</summary>
    private async Task<string?> StoreObjectAsync(DeviceSession session, DeviceLinkMessage message, DeviceDicomObject dicom)
    {
        var arrival = new InstanceArrival(dicom.SopClassUid, dicom.SopInstanceUid, dicom.TransferSyntaxUid, session.Device.Name,
            session.Device.Port, session.Priority, session.Id, (int)Math.Min(message.Number, int.MaxValue));
        var start = intake.Begin(arrival);
        if (start.Sink is not { } sink)
            return start.RefusalStatus == DimseStatus.OutOfResources ? "disk-reserve" : $"refused-0x{start.RefusalStatus:X4}";
        try
        {
            // Not cancellable: once begun, an object is either made durable or abandoned, never left half-written.
            await sink.WriteAsync(new ReadOnlySequence<byte>(dicom.DataSet), CancellationToken.None);
            var scanner = new DataSetScanner(TransferSyntax.ExplicitVRLittleEndian);
            scanner.Feed(dicom.DataSet);
            var status = await sink.CompleteAsync(scanner.Finish(), CancellationToken.None);
            return status == DimseStatus.Success ? null : $"status-0x{status:X4}";
        }
        catch (Exception e)
        {
            await sink.AbandonAsync();
            return Outbound.ErrorText(e);
        }
    }
}
