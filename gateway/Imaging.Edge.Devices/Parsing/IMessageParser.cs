namespace Imaging.Edge.Devices.Parsing;

/// <summary>
/// Reads the payload of one link message (<see cref="Link.DeviceLinkMessage.Text"/>) into device messages, values
/// taken where the profile's mapping says. Pure; does not throw for any input; problems name places, not content.
/// </summary>
internal interface IMessageParser
{
    ParseOutcome Read(ReadOnlySpan<byte> text);
}
