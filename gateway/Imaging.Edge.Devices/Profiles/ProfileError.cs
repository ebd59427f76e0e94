namespace Imaging.Edge.Devices.Profiles;

/// <summary>One thing wrong with a profile file: where (a JSON path such as <c>$.port.baudRate</c>) and what.</summary>
internal sealed record ProfileError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
