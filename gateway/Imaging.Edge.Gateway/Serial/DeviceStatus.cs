namespace Imaging.Edge.Gateway.Serial;

/// <summary>A configured serial device (docs/telemetry.md, "devices"): its link's state and counts, never content.</summary>
/// <param name="LastFrame">When the device last sent anything.</param>
/// <param name="State">connected, disconnected (the port is closed or cannot be opened: see Reason), profile-rejected.</param>
/// <param name="Since">When it entered that state.</param>
/// <param name="Reason">Why it is not connected, as a short code or exception kind (no path, no content).</param>
/// <param name="Messages">Messages stored since start; <paramref name="Objects"/> the DICOM objects they became.</param>
/// <param name="Rejected">Messages or transfers refused (disk reserve, storage failed).</param>
/// <param name="LinkProblems">Frames the link refused or discarded (bad checksum, timeout …).</param>
internal sealed record DeviceStatus(string Name, string Port, bool Connected, DateTimeOffset? LastFrame,
    string Profile = "", string State = "", DateTimeOffset? Since = null, string? Reason = null,
    long Messages = 0, long Objects = 0, long Rejected = 0, long LinkProblems = 0);
