namespace Imaging.Edge.Gateway.Configuration;

/// <summary>
/// Checks <c>Dicom:Tls</c> without reading the key (the files' contents are checked when the gateway starts, by
/// <see cref="Hosting.DicomTlsCredentials"/>): ports, combinations, and that the named files exist. Whether a systemd
/// credential is there is not a question about the configuration: the CLI verbs (status, queue, doctor) load the same
/// configuration from a shell, where <c>$CREDENTIALS_DIRECTORY</c> is never set; the service start checks it.
/// </summary>
internal static class DicomTlsOptionsValidator
{
    public static void Validate(DicomOptions dicom, List<string> problems)
    {
        var tls = dicom.Tls;
        if (tls.Port is < 0 or > 65535)
            problems.Add($"Dicom:Tls:Port: must be between 1 and 65535, or 0 for no TLS listener (was {tls.Port})");
        if (tls.Enabled && tls.Port == dicom.Port)
            problems.Add($"Dicom:Tls:Port: must differ from Dicom:Port (both {tls.Port})");
        if (!tls.Enabled)
        {
            if (!string.IsNullOrEmpty(tls.CertificateFile) || !string.IsNullOrEmpty(tls.KeyFile) || !string.IsNullOrEmpty(tls.ClientCaFile) || tls.RequireClientCertificate)
                problems.Add("Dicom:Tls:Port: must be set when a certificate, key or client CA is given (0: no TLS listener)");
            return;
        }
        if (tls.RequireClientCertificate && string.IsNullOrEmpty(tls.ClientCaFile))
            problems.Add("Dicom:Tls:ClientCaFile: must be given when RequireClientCertificate is true (the CA that signs the devices' certificates)");
        if (tls.BindAeTitleToCertificate && !tls.RequireClientCertificate)
            problems.Add("Dicom:Tls:BindAeTitleToCertificate: needs RequireClientCertificate true");
        foreach (var (key, file) in new[] { ("CertificateFile", tls.CertificateFile), ("KeyFile", tls.KeyFile), ("ClientCaFile", tls.ClientCaFile) })
        {
            if (!string.IsNullOrEmpty(file) && !File.Exists(file))
                problems.Add($"Dicom:Tls:{key}: file not found ({file})");
        }
    }
}
