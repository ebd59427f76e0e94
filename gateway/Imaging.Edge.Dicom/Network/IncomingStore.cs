using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Dimse;

namespace Imaging.Edge.Dicom.Network;

/// <summary>
/// The C-STORE whose data set is arriving: its command, the sink the bytes go to (null once refused or failed),
/// and the scanner that reads the top-level attributes on the way through.
/// </summary>
internal sealed class IncomingStore(CommandSet command, AcceptedContext context, IInstanceSink? sink, ushort refusalStatus, string? refusalReason = null)
{
    public CommandSet Command { get; } = command;
    public AcceptedContext Context { get; } = context;
    public IInstanceSink? Sink { get; private set; } = sink;
    public DataSetScanner Scanner { get; } = new(context.TransferSyntax);

    /// <summary>Data set bytes received so far.</summary>
    public long Received { get; set; }

    /// <summary>The failure status to answer with once the data set has been drained; Success while all is well.</summary>
    public ushort FailureStatus { get; private set; } = refusalStatus;
    public string? FailureReason { get; private set; } = refusalReason;

    public bool Failed => FailureStatus != DimseStatus.Success;

    /// <summary>Records the first failure and releases the sink; the rest of the data set is read and dropped.</summary>
    public async ValueTask FailAsync(ushort status, string reason)
    {
        if (!Failed)
        {
            FailureStatus = status;
            FailureReason = reason;
        }
        await AbandonAsync().ConfigureAwait(false);
    }

    public async ValueTask AbandonAsync()
    {
        var sink = Sink;
        Sink = null;
        if (sink is not null) await sink.AbandonAsync().ConfigureAwait(false);
    }
}
