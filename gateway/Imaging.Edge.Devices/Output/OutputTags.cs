using Imaging.Edge.Dicom.Data;

namespace Imaging.Edge.Devices.Output;

/// <summary>The attributes the device output writes (PS3.6 data dictionary), by module.</summary>
internal static class OutputTags
{
    // SOP Common (PS3.3 C.12.1)
    public static readonly DicomTag SpecificCharacterSet = DicomTag.SpecificCharacterSet;
    public static readonly DicomTag InstanceCreationDate = new(0x0008, 0x0012);
    public static readonly DicomTag InstanceCreationTime = new(0x0008, 0x0013);
    public static readonly DicomTag SopClassUid = DicomTag.SopClassUid;
    public static readonly DicomTag SopInstanceUid = DicomTag.SopInstanceUid;
    public static readonly DicomTag CodingSchemeIdentificationSequence = new(0x0008, 0x0110);
    public static readonly DicomTag CodingSchemeDesignator = new(0x0008, 0x0102);
    public static readonly DicomTag CodingSchemeName = new(0x0008, 0x0115);

    // General Study (C.7.2.1), General Series / SR Document Series (C.7.3.1, C.17.1), General Equipment (C.7.5.1)
    public static readonly DicomTag StudyDate = DicomTag.StudyDate;
    public static readonly DicomTag SeriesDate = new(0x0008, 0x0021);
    public static readonly DicomTag ContentDate = new(0x0008, 0x0023);
    public static readonly DicomTag StudyTime = DicomTag.StudyTime;
    public static readonly DicomTag SeriesTime = new(0x0008, 0x0031);
    public static readonly DicomTag ContentTime = new(0x0008, 0x0033);
    public static readonly DicomTag AccessionNumber = DicomTag.AccessionNumber;
    public static readonly DicomTag Modality = DicomTag.Modality;
    public static readonly DicomTag Manufacturer = new(0x0008, 0x0070);
    public static readonly DicomTag ReferringPhysicianName = new(0x0008, 0x0090);
    public static readonly DicomTag StationName = new(0x0008, 0x1010);
    public static readonly DicomTag StudyDescription = new(0x0008, 0x1030);
    public static readonly DicomTag SeriesDescription = new(0x0008, 0x103E);
    public static readonly DicomTag ManufacturerModelName = new(0x0008, 0x1090);
    public static readonly DicomTag ReferencedPerformedProcedureStepSequence = new(0x0008, 0x1111);
    public static readonly DicomTag CreatorVersionUid = new(0x0008, 0x9123);
    public static readonly DicomTag StudyInstanceUid = DicomTag.StudyInstanceUid;
    public static readonly DicomTag SeriesInstanceUid = DicomTag.SeriesInstanceUid;
    public static readonly DicomTag StudyId = new(0x0020, 0x0010);
    public static readonly DicomTag SeriesNumber = new(0x0020, 0x0011);
    public static readonly DicomTag InstanceNumber = new(0x0020, 0x0013);

    // Patient (C.7.1.1)
    public static readonly DicomTag PatientName = DicomTag.PatientName;
    public static readonly DicomTag PatientId = DicomTag.PatientId;
    public static readonly DicomTag PatientBirthDate = DicomTag.PatientBirthDate;
    public static readonly DicomTag PatientSex = new(0x0010, 0x0040);
    public static readonly DicomTag PatientComments = new(0x0010, 0x4000);

    // Acquisition Context (C.7.6.14)
    public static readonly DicomTag AcquisitionContextSequence = new(0x0040, 0x0555);

    // SR Document General and Content (C.17.2, C.17.3)
    public static readonly DicomTag MeasurementUnitsCodeSequence = new(0x0040, 0x08EA);
    public static readonly DicomTag RelationshipType = new(0x0040, 0xA010);
    public static readonly DicomTag ObservationDateTime = new(0x0040, 0xA032);
    public static readonly DicomTag ValueType = new(0x0040, 0xA040);
    public static readonly DicomTag ConceptNameCodeSequence = new(0x0040, 0xA043);
    public static readonly DicomTag ContinuityOfContent = new(0x0040, 0xA050);
    public static readonly DicomTag Uid = new(0x0040, 0xA124);
    public static readonly DicomTag TextValue = new(0x0040, 0xA160);
    public static readonly DicomTag ConceptCodeSequence = new(0x0040, 0xA168);
    public static readonly DicomTag MeasuredValueSequence = new(0x0040, 0xA300);
    public static readonly DicomTag NumericValue = new(0x0040, 0xA30A);
    public static readonly DicomTag PerformedProcedureCodeSequence = new(0x0040, 0xA372);
    public static readonly DicomTag CompletionFlag = new(0x0040, 0xA491);
    public static readonly DicomTag VerificationFlag = new(0x0040, 0xA493);
    public static readonly DicomTag ContentSequence = new(0x0040, 0xA730);

    // The raw bytes: a private block (PS3.5 §7.8.1) of group 0009, reserved by its creator in (0009,0010).
    public static readonly DicomTag RawPrivateCreator = new(0x0009, 0x0010);
    public static readonly DicomTag RawBytes = new(0x0009, 0x1010);
    public static readonly DicomTag RawProfile = new(0x0009, 0x1011);
    public static readonly DicomTag RawLinkProtocol = new(0x0009, 0x1012);
    public static readonly DicomTag RawTextEncoding = new(0x0009, 0x1013);
    public static readonly DicomTag RawByteCount = new(0x0009, 0x1014);
}
