namespace Imaging.Edge.Dicom.Data;

/// <summary>UIDs of PS3.6 Annex A that the gateway names directly.</summary>
public static class WellKnownUids
{
    public const string Verification = "1.2.840.10008.1.1";
    public const string ApplicationContext = "1.2.840.10008.3.1.1.1";
}
