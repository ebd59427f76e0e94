namespace Imaging.Edge.Gateway.Configuration;

/// <summary>Section <c>Dicom</c>: the DICOM receiver.</summary>
internal sealed class DicomOptions
{
    public const string Section = "Dicom";

    public string AeTitle { get; set; } = "IMAGING_EDGE";

    /// <summary>The plain DICOM port; 0: none (only <see cref="DicomTlsOptions.Port"/>, which must then be set).</summary>
    public int Port { get; set; } = 11112;
    public string BindAddress { get; set; } = "0.0.0.0";
    public int MaxAssociations { get; set; } = 32;

    /// <summary>
    /// Connections open at once from one IP address, associated or not (a router or PACS sending many at once needs
    /// more); at most <see cref="MaxAssociations"/>. Unset: <see cref="ConnectionsPerAddress"/> decides.
    /// </summary>
    public int? MaxConnectionsPerAddress { get; set; }

    /// <summary>
    /// The per-address cap in force: the configured one, else half the association slots, at least 1 and at most 8, so
    /// that with two slots or more one host on the LAN (hostile or broken) can never hold them all and lock the
    /// modalities out; 8 is more than any modality opens at once.
    /// </summary>
    public int ConnectionsPerAddress => MaxConnectionsPerAddress ?? Math.Clamp(MaxAssociations / 2, 1, 8);

    /// <summary>Slowest pace accepted while a message arrives (a peer may still pause up to <see cref="DimseTimeoutSeconds"/> in all).</summary>
    public int MinimumBytesPerSecond { get; set; } = 1024;
    public int MaxPduLength { get; set; } = 256 * 1024;
    public bool AllowUnknownCallers { get; set; } = true;
    /// <summary>Largest instance accepted, in MB; a larger one is refused with 0xA700 as it arrives. 0: no limit.</summary>
    public int MaxInstanceMegabytes { get; set; }

    public int ArtimTimeoutSeconds { get; set; } = 30;
    public int DimseTimeoutSeconds { get; set; } = 120;
    public List<DeviceOptions> Devices { get; set; } = [];

    /// <summary>Private storage SOP classes accepted beside those of PS3.4 Annex B.</summary>
    public List<string> PrivateSopClasses { get; set; } = [];

    /// <summary>DICOM over TLS (<c>Dicom:Tls</c>, docs/security.md).</summary>
    public DicomTlsOptions Tls { get; set; } = new();
}

/// <summary>One imaging device allowed to send (<c>Dicom:Devices:N</c>).</summary>
internal sealed class DeviceOptions
{
    public string AeTitle { get; set; } = "";

    /// <summary>When set, the device must connect from this address.</summary>
    public string? Host { get; set; }

    public string? Name { get; set; }

    /// <summary>Upload priority of this device's instances: Low, Medium or High.</summary>
    public string Priority { get; set; } = "Medium";
}
