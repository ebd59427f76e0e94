namespace Imaging.Edge.Gateway.Intake;

/// <summary>
/// An instance arriving from a source, as the intake needs to know it before its bytes come: a DICOM association's
/// C-STORE, or (to come) a serial device's result turned into a DICOM object. The same <see cref="SpoolIntake.Begin"/>
/// takes both and answers with the same durable acknowledgement.
/// </summary>
/// <param name="Source">Who sent it: the calling AE title, or the device's configured name.</param>
/// <param name="SourceHost">Where from: the peer's IP address, or the serial port.</param>
/// <param name="Priority">The queue priority (<see cref="Queue.Priorities"/>).</param>
/// <param name="ConnectionId">The association (or device session) in the logs.</param>
/// <param name="MessageId">The C-STORE message id (or the device's message number) in the logs.</param>
internal sealed record InstanceArrival(
    string SopClassUid,
    string SopInstanceUid,
    string TransferSyntaxUid,
    string Source,
    string SourceHost,
    int Priority,
    long ConnectionId,
    int MessageId);
