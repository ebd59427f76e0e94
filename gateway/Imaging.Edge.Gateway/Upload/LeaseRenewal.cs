using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Upload;

/// <summary>
/// Keeps an upload's lease alive while its slot works on it: every quarter of the lease the lease is extended. A slot
/// that hangs or is lost stops renewing, and <see cref="UploadLeases.ReleaseExpiredLeases"/> gives the instance to
/// another slot; a long upload (a large study over a slow link) is never taken from a slot that is still working.
/// The timer callback never throws (an exception there would end the process).
/// </summary>
internal sealed class LeaseRenewal : IDisposable
{
    private readonly ITimer _timer;

    public LeaseRenewal(UploadLeases leases, long instanceId, string owner, TimeSpan lease, TimeProvider clock, ILogger logger)
    {
        var every = lease / 4;
        _timer = clock.CreateTimer(_ =>
        {
            try
            {
                leases.RenewLease(instanceId, owner, lease);
            }
            catch (Exception e)
            {
                GatewayUploadLog.LeaseNotRenewed(logger, instanceId, e.GetType().Name);
            }
        }, null, every, every);
    }

    public void Dispose() => _timer.Dispose();
}
