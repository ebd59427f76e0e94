namespace Imaging.Edge.Dicom.Files;

/// <summary>What the gateway writes in (0002,0012) and (0002,0013), and sends in the A-ASSOCIATE user information.</summary>
public static class ImplementationInfo
{
    /// <summary>Under the 1.2.826.0.1.3680043.10 root (Medical Connections' free UID service).</summary>
    public const string ClassUid = "1.2.826.0.1.3680043.10.1499.1";

    /// <summary>At most 16 characters (SH).</summary>
    public const string VersionName = "IMAGING_EDGE_1";
}
