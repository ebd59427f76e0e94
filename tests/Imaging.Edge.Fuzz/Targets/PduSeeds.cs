using System.Buffers;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Fuzz.Targets;

/// <summary>Valid PDUs written by our own <see cref="PduWriter"/>, each prefixed by the split byte the PDU target reads.</summary>
internal static class PduSeeds
{
    public const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    public const string Verification = "1.2.840.10008.1.1";

    public static AssociateRequestPdu Request(string called = "EDGE") => new(
        called,
        "MODALITY",
        AssociateRequestPdu.DicomApplicationContextName,
        [
            new PresentationContextProposal(1, Verification, ["1.2.840.10008.1.2"]),
            new PresentationContextProposal(3, CtImageStorage, ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2", "1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.2"]),
            new PresentationContextProposal(5, "1.2.840.10008.5.1.4.1.1.4", ["1.2.840.10008.1.2.4.50"]),
        ],
        new UserInformation { MaxPduLength = 16384 });

    public static IEnumerable<byte[]> All()
    {
        yield return WithSplit(Write(Request()));
        yield return WithSplit(Write(ReleaseRequestPdu.Instance));
        yield return WithSplit(Write(new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified)));
        var store = new CommandSet
        {
            CommandField = CommandField.CStoreRequest,
            AffectedSopClassUid = CtImageStorage,
            AffectedSopInstanceUid = "1.2.3.4.5.6",
            MessageId = 1,
            CommandDataSetType = 0,
        };
        var data = new ArrayBufferWriter<byte>();
        PduWriter.WritePData(data, 3, isCommand: true, isLast: true, store.Encode());
        PduWriter.WritePData(data, 3, isCommand: false, isLast: true, [0x08, 0x00, 0x16, 0x00, 0x02, 0x00, 0x00, 0x00, 0x31, 0x00]);
        yield return WithSplit(data.WrittenSpan.ToArray());
        yield return WithSplit([.. Write(Request()), .. data.WrittenSpan, .. Write(ReleaseRequestPdu.Instance)]);
    }

    public static byte[] Write(Pdu pdu)
    {
        var output = new ArrayBufferWriter<byte>();
        PduWriter.Write(output, pdu);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] WithSplit(byte[] pdu) => [(byte)(pdu.Length / 2), .. pdu];
}
