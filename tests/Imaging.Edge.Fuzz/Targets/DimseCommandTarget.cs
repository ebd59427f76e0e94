using Imaging.Edge.Dicom.Dimse;

namespace Imaging.Edge.Fuzz.Targets;

/// <summary>
/// The DIMSE command set reader (PS3.7 §6.3, §9.3): every command a caller sends on P-DATA, and the response the server
/// builds from it. Refusals are <see cref="DimseFormatException"/>.
/// </summary>
internal sealed class DimseCommandTarget : FuzzTarget
{
    public override string Name => "dimse";

    public override void Run(ReadOnlySpan<byte> input)
    {
        try
        {
            var command = CommandSet.Parse(input);
            // The server answers with a response built from the request's fields: that must always encode and read back.
            var response = new CommandSet
            {
                CommandField = CommandField.CStoreResponse,
                AffectedSopClassUid = command.AffectedSopClassUid,
                AffectedSopInstanceUid = command.AffectedSopInstanceUid,
                MessageIdBeingRespondedTo = command.MessageId,
                Status = 0,
            };
            if (CommandSet.Parse(response.Encode()).MessageIdBeingRespondedTo != command.MessageId)
                throw new InvalidOperationException("a response does not read back");
        }
        catch (DimseFormatException)
        {
        }
    }

    public override IEnumerable<byte[]> Seeds()
    {
        yield return new CommandSet { CommandField = CommandField.CEchoRequest, AffectedSopClassUid = "1.2.840.10008.1.1", MessageId = 7 }.Encode();
        yield return new CommandSet
        {
            CommandField = CommandField.CStoreRequest,
            AffectedSopClassUid = PduSeeds.CtImageStorage,
            AffectedSopInstanceUid = "1.2.3.4.5.6.7",
            MessageId = 9,
            CommandDataSetType = 0,
            MoveOriginatorAeTitle = "MOVER",
            MoveOriginatorMessageId = 3,
        }.Encode();
    }
}
