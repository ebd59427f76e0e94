namespace Imaging.Edge.Gateway.Hosting;

/// <summary>Whether this process was started by systemd (a unit) rather than by a person at a shell.</summary>
internal static class ServiceManager
{
    /// <summary>
    /// systemd sets <c>INVOCATION_ID</c> for every unit it starts and <c>NOTIFY_SOCKET</c> for <c>Type=notify</c>
    /// (ours). A shell of a desktop terminal that a user unit started may inherit <c>INVOCATION_ID</c>: there,
    /// <c>unset INVOCATION_ID</c> before trying the development default.
    /// </summary>
    public static bool StartedUs() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("INVOCATION_ID"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"));
}
