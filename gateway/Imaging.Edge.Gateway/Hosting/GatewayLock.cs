namespace Imaging.Edge.Gateway.Hosting;

/// <summary>
/// <c>{DataDir}/gateway.lock</c>, held open exclusively by <c>imaging-edge run</c> for as long as it runs. .NET on
/// Linux backs <see cref="FileShare.None"/> with an advisory <c>flock(LOCK_EX | LOCK_NB)</c>, which the kernel
/// releases when the process ends in any way (SIGKILL and power loss included): there is no stale lock file to
/// clean up, unlike a PID file, and unlike probing the DICOM port it does not depend on the configuration of the
/// other process or on a port another program may hold. Tools that must not run beside the gateway (decommission)
/// or that behave differently beside it (erase-patient) take the same lock.
/// </summary>
internal sealed class GatewayLock : IDisposable
{
    public const string FileName = "gateway.lock";

    private readonly FileStream _stream;

    private GatewayLock(FileStream stream) => _stream = stream;

    /// <summary>The lock, or null when another process holds it. The data folder must exist.</summary>
    public static GatewayLock? TryAcquire(string dataDir)
    {
        try
        {
            return new GatewayLock(new FileStream(Path.Combine(dataDir, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}
