using System.Buffers;
using System.Net;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Fuzz.Targets;

/// <summary>
/// The association negotiator (PS3.8 §9.3.2–9.3.4, PS3.7 Annex D.3.3) over whatever A-ASSOCIATE-RQ the PDU reader
/// accepts, under an open and a closed caller policy, and at the association limit. The answer it decides is then
/// written by our PDU writer and read back by our reader: an answer we cannot write, or write unreadably, is a finding.
/// </summary>
internal sealed class NegotiatorTarget : FuzzTarget
{
    private static readonly DicomServerOptions Open = new() { AeTitle = "EDGE" };

    private static readonly DicomServerOptions Closed = new()
    {
        AeTitle = "EDGE",
        AllowUnknownCallers = false,
        KnownCallers = [new KnownCaller("MODALITY", IPAddress.Loopback), new KnownCaller("ANY", null)],
        ExtraSopClasses = new HashSet<string>(StringComparer.Ordinal) { "1.2.3.4" },
    };

    public override string Name => "negotiator";

    public override void Run(ReadOnlySpan<byte> input)
    {
        AssociateRequestPdu request;
        try
        {
            var buffer = new ReadOnlySequence<byte>(input.ToArray());
            if (!PduReader.TryReadPdu(ref buffer, PduReader.MaxNegotiationPduLength, out var pdu) || pdu is not AssociateRequestPdu rq)
                return;
            request = rq;
        }
        catch (PduFormatException)
        {
            return;
        }

        foreach (var (options, limit) in new[] { (Open, false), (Closed, false), (Open, true) })
        {
            var outcome = AssociationNegotiator.Negotiate(request, options, IPAddress.Loopback, limit);
            Pdu answer = (Pdu?)outcome.Accept ?? outcome.Reject ?? throw new InvalidOperationException("neither accept nor reject");
            byte[] written = PduSeeds.Write(answer);
            var readBack = new ReadOnlySequence<byte>(written);
            if (!PduReader.TryReadPdu(ref readBack, 0, out var again) || again.Type != answer.Type || !readBack.IsEmpty)
                throw new InvalidOperationException("our own answer does not read back as one PDU of its type");
        }
    }

    public override IEnumerable<byte[]> Seeds()
    {
        yield return PduSeeds.Write(PduSeeds.Request());
        yield return PduSeeds.Write(PduSeeds.Request("OTHER"));
    }
}
