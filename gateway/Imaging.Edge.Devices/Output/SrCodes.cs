using Imaging.Edge.Dicom.Data.Writing;

namespace Imaging.Edge.Devices.Output;

/// <summary>
/// The codes of the device SR (docs/devices.md, "DICOM output"). Observer context codes are those of TID 1004
/// (Device Observer Identifying Attributes); the document title is LOINC 11502-2 "Laboratory report", the LOINC
/// document type of a laboratory result report, since these SRs hold analyser results and claim no template.
/// </summary>
internal static class SrCodes
{
    public const string PrivateScheme = "99EDGE";
    public const string UcumScheme = "UCUM";

    public static readonly DicomCode LaboratoryReport = new("11502-2", "LN", "Laboratory report");
    public static readonly DicomCode ObserverType = new("121005", "DCM", "Observer Type");
    public static readonly DicomCode Device = new("121007", "DCM", "Device");
    public static readonly DicomCode DeviceObserverUid = new("121012", "DCM", "Device Observer UID");
    public static readonly DicomCode DeviceObserverName = new("121013", "DCM", "Device Observer Name");
    public static readonly DicomCode DeviceObserverManufacturer = new("121014", "DCM", "Device Observer Manufacturer");
    public static readonly DicomCode DeviceObserverModelName = new("121015", "DCM", "Device Observer Model Name");
    public static readonly DicomCode SpecimenIdentifier = new("121041", "DCM", "Specimen Identifier");

    /// <summary>The abnormal flags a device reports with a result (E1394 R.7: N, L, H, LL, HH, A …), verbatim.</summary>
    public static readonly DicomCode DeviceFlags = new("FLAGS", PrivateScheme, "Result flags reported by the device");

    /// <summary>A dimensionless result (pH): UCUM's unity.</summary>
    public static readonly DicomCode NoUnits = new("1", UcumScheme, "no units");
}
