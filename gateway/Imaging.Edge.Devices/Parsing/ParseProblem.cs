namespace Imaging.Edge.Devices.Parsing;

/// <summary>
/// Something a parser could not use, said without quoting the message (it may carry patient data): which record,
/// which field reference, what was wrong.
/// </summary>
internal sealed record ParseProblem(string Where, string What)
{
    public override string ToString() => $"{Where}: {What}";
}
