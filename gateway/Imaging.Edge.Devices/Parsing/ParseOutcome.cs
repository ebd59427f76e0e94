namespace Imaging.Edge.Devices.Parsing;

/// <summary>The messages read from one transfer, and the problems that belong to no message.</summary>
internal sealed record ParseOutcome(IReadOnlyList<DeviceMessage> Messages, IReadOnlyList<ParseProblem> Problems);
