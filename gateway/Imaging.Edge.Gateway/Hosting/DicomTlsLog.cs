using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Hosting;

/// <summary>Log messages about the DICOM TLS credentials. Names dates and files, never certificate or key contents.</summary>
internal static partial class DicomTlsLog
{
    [LoggerMessage(1020, LogLevel.Warning, "The DICOM TLS server certificate {Problem}")]
    public static partial void ServerCertificateDates(ILogger logger, string problem);
}
