namespace Imaging.Edge.Gateway.Configuration;

/// <summary>
/// Section <c>Dicom:Tls</c>: a TLS listener (PS3.15 Annex B) beside the plain one, sharing its limits. Off while
/// <see cref="Port"/> is 0. Certificate and key are PEM files, named here or, when not named, the systemd credentials
/// <see cref="CertificateCredential"/> and <see cref="KeyCredential"/> (docs/security.md).
/// </summary>
internal sealed class DicomTlsOptions
{
    public const string CertificateCredential = "dicom-tls-certificate";
    public const string KeyCredential = "dicom-tls-key";

    /// <summary>The TLS port (2762 is DICOM's registered TLS port); 0: no TLS listener.</summary>
    public int Port { get; set; }

    /// <summary>The server certificate (PEM), optionally followed by its intermediate CA certificates.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The server certificate's private key (PEM, unencrypted: the file's mode protects it).</summary>
    public string? KeyFile { get; set; }

    /// <summary>CA certificates (PEM) that sign the devices' client certificates; none: clients are not asked for one.</summary>
    public string? ClientCaFile { get; set; }

    /// <summary>Refuse a TLS connection without a client certificate issued by <see cref="ClientCaFile"/>.</summary>
    public bool RequireClientCertificate { get; set; }

    /// <summary>A device's calling AE title must equal the common name (CN) of its client certificate.</summary>
    public bool BindAeTitleToCertificate { get; set; }

    public bool Enabled => Port != 0;
}
