using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Control;

namespace Imaging.Edge.Gateway.Cli.Doctor;

/// <summary>
/// The DICOM port is free (the service can take it), or held by our own gateway (its control socket in the data
/// folder answers <c>ping</c>); anything else holding it would keep the service from starting.
/// </summary>
internal static class DicomPortCheck
{
    public const string Name = "dicom-port";

    public static async Task<CheckResult> RunAsync(EdgeConfiguration configuration, CancellationToken cancellationToken)
    {
        var dicom = configuration.Dicom;
        var where = string.Create(CultureInfo.InvariantCulture, $"{dicom.BindAddress}:{dicom.Port}");
        if (!IPAddress.TryParse(dicom.BindAddress, out var address))
            return CheckResult.Fail(Name, $"Dicom:BindAddress '{dicom.BindAddress}' is not an IP address", "set Dicom:BindAddress to an address of this box, or 0.0.0.0");
        SocketError error;
        using (var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp))
        {
            try
            {
                probe.Bind(new IPEndPoint(address, dicom.Port));
                return CheckResult.Ok(Name, $"{where} is free: the service can listen there");
            }
            catch (SocketException e)
            {
                error = e.SocketErrorCode;
            }
        }
        if (error == SocketError.AccessDenied)
            return CheckResult.Warn(Name, $"{where}: this user may not listen below 1024",
                "the service may (the unit grants CAP_NET_BIND_SERVICE); run doctor with sudo to check the port itself");
        if (error != SocketError.AddressAlreadyInUse)
            return CheckResult.Fail(Name, $"{where}: cannot listen ({error})", "check Dicom:BindAddress is an address of this box");
        try
        {
            var answer = await ControlClient.TrySendAsync(configuration.Gateway.DataDir, "ping", null, TimeSpan.FromSeconds(5), cancellationToken);
            if (answer is not null)
                return CheckResult.Ok(Name, $"{where} is held by the running gateway (its control socket answers)");
        }
        catch (UnauthorizedAccessException)
        {
            return CheckResult.Warn(Name, $"{where} is in use, and the control socket may not be used by this user", "run doctor with sudo or as a member of the service's group");
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // a socket file left by a gateway that is gone: someone else holds the port
        }
        return CheckResult.Fail(Name, $"{where} is in use by another program (not this gateway: its control socket does not answer)",
            string.Create(CultureInfo.InvariantCulture, $"find it with: ss -ltnp 'sport = :{dicom.Port}'; stop it, or choose another Dicom:Port"));
    }
}
