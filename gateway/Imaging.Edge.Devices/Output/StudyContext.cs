using System.Globalization;
using Imaging.Edge.Dicom.Data.Writing;

namespace Imaging.Edge.Devices.Output;

/// <summary>
/// The patient and study that the objects of one device message share (the SR and its Raw Data instance are in one
/// study). The patient is what the profile's mapping read (<see cref="Parsing.DeviceResult.PatientId"/>); a message
/// without a patient identity goes to an <b>unidentified</b> patient: empty Patient ID and Name, flagged in Patient
/// Comments, in a study described by the device's name and the date, so that someone can reconcile it by hand.
/// </summary>
internal sealed record StudyContext(string StudyInstanceUid, string? PatientId, DateTime Received, DeviceSource Device)
{
    /// <summary>Patient Comments (0010,4000) of an unidentified patient: no patient data, only the fact.</summary>
    public const string UnidentifiedComment = "Unidentified patient: the device sent no patient identity";

    public bool Identified => PatientId is not null;

    /// <summary>"{device} {date}", with "(unidentified)" when the device sent no patient identity.</summary>
    public string Description
    {
        get
        {
            string date = Received.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            string text = Identified ? $"{Device.Name} {date}" : $"{Device.Name} {date} (unidentified)";
            return DeviceText.Clean(text, 64);
        }
    }

    /// <param name="patientId">As the device sent it; null or blank: unidentified.</param>
    public static StudyContext Create(string? patientId, DeviceSource device, DateTime received, UidGenerator uids)
    {
        string id = DeviceText.Clean(patientId, 64);
        return new StudyContext(uids.Next(), id.Length == 0 ? null : id, received, device);
    }

    /// <summary>Leaves the patient out (no patient data in logs).</summary>
    public override string ToString() => $"StudyContext {{ StudyInstanceUid = {StudyInstanceUid}, Identified = {Identified} }}";
}
