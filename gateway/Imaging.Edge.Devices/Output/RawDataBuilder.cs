using System.Text.Json;
using Imaging.Edge.Devices.Profiles;
using Imaging.Edge.Dicom.Data.Writing;
using Imaging.Edge.Dicom.Files;
using T = Imaging.Edge.Devices.Output.OutputTags;

namespace Imaging.Edge.Devices.Output;

/// <summary>
/// The Raw Data Storage instance (1.2.840.10008.5.1.4.1.1.66, PS3.3 A.37) that keeps the exact bytes a device sent,
/// in the study of the objects made from them, so that the cloud side can parse them again (a better profile, a
/// parser fix). PS3.3 C.19.1 leaves the raw data's encoding to the creator; as vendors do, it is a private block
/// (PS3.5 §7.8) of group 0009 reserved by the creator <see cref="PrivateCreator"/>:
/// <list type="table">
/// <item><term>(0009,0010) LO</term><description><see cref="PrivateCreator"/></description></item>
/// <item><term>(0009,1010) OB</term><description>the bytes as received (a trailing 0x00 pads an odd count; the exact count is (0009,1014))</description></item>
/// <item><term>(0009,1011) LO</term><description>the profile's name</description></item>
/// <item><term>(0009,1012) LO</term><description>the link protocol (<c>astm-e1381</c> …): what framing the bytes carry</description></item>
/// <item><term>(0009,1013) LO</term><description>the profile's text encoding (<c>latin1</c> …)</description></item>
/// <item><term>(0009,1014) UL</term><description>the number of bytes received</description></item>
/// </list>
/// </summary>
internal static class RawDataBuilder
{
    public const string PrivateCreator = "IMAGING EDGE DEVICE RAW 1";

    public static DeviceDicomObject Build(StudyContext study, ReadOnlySpan<byte> received, HardwareProfile profile, DateTime created, UidGenerator uids)
    {
        string sopInstanceUid = uids.Next();
        var series = new SeriesInfo(uids.Next(), "OT", 2, "Device raw data");
        var ds = CommonModules.Start(OutputUids.RawData, sopInstanceUid, study, series, created);

        // Acquisition Context (type 2 sequence: empty) and Raw Data (C.19.1)
        ds.AddSequence(T.AcquisitionContextSequence, [])
            .AddInteger(T.InstanceNumber, 1)
            .AddDate(T.ContentDate, DateOnly.FromDateTime(created))
            .AddTime(T.ContentTime, TimeOnly.FromDateTime(created))
            .AddUid(T.CreatorVersionUid, ImplementationInfo.ClassUid);

        Span<byte> count = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(count, (uint)received.Length);
        ds.AddString(T.RawPrivateCreator, DicomVr.LO, PrivateCreator)
            .Add(T.RawBytes, DicomVr.OB, received)
            .AddString(T.RawProfile, DicomVr.LO, DeviceText.Clean(study.Device.ProfileName, 64))
            .AddString(T.RawLinkProtocol, DicomVr.LO, Kebab(profile.Link.Protocol.ToString()))
            .AddString(T.RawTextEncoding, DicomVr.LO, Kebab(profile.Port.Encoding.ToString()))
            .Add(T.RawByteCount, DicomVr.UL, count);

        return new DeviceDicomObject(OutputUids.RawData, sopInstanceUid, study.StudyInstanceUid, series.SeriesInstanceUid, CommonModules.Finish(ds));
    }

    /// <summary>The enum value as the profile file writes it.</summary>
    private static string Kebab(string name) => JsonNamingPolicy.KebabCaseLower.ConvertName(name);
}
