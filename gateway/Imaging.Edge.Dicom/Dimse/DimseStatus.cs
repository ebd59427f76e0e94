namespace Imaging.Edge.Dicom.Dimse;

/// <summary>Status codes used by this toolkit (PS3.7 Annex C; PS3.4 §B.2.3 for C-STORE).</summary>
public static class DimseStatus
{
    public const ushort Success = 0x0000;

    /// <summary>Refused: Out of Resources (PS3.4 Table B.2-1, A7xx). Sent when the intake's disk reserve is reached.</summary>
    public const ushort OutOfResources = 0xA700;

    /// <summary>Error: Data Set does not match SOP Class (PS3.4 Table B.2-1, A9xx).</summary>
    public const ushort DataSetDoesNotMatchSopClass = 0xA900;

    /// <summary>Error: Cannot understand (PS3.4 Table B.2-1, Cxxx): the data set could not be parsed.</summary>
    public const ushort CannotUnderstand = 0xC000;

    /// <summary>Failure: Unrecognized Operation (PS3.7 §C.5.11): a command this SCP does not provide.</summary>
    public const ushort UnrecognizedOperation = 0x0211;

    /// <summary>Failure: Processing Failure (PS3.7 §C.5.9): the SCP failed while handling the request.</summary>
    public const ushort ProcessingFailure = 0x0110;

    /// <summary>Failure: SOP Class Not Supported (PS3.7 §C.5.13).</summary>
    public const ushort SopClassNotSupported = 0x0122;

    /// <summary>Failure: Mistyped Argument (PS3.7 §C.5.15): e.g. the command's Affected SOP Instance UID is not the data set's.</summary>
    public const ushort MistypedArgument = 0x0212;
}
