namespace Imaging.Edge.Devices.Output;

/// <summary>The SOP classes and transfer syntax of the device output (PS3.4 Annex B, PS3.6 Annex A).</summary>
internal static class OutputUids
{
    public const string ExplicitVrLittleEndian = "1.2.840.10008.1.2.1";
    public const string ComprehensiveSr = "1.2.840.10008.5.1.4.1.1.88.33";
    public const string RawData = "1.2.840.10008.5.1.4.1.1.66";
}
