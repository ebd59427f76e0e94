namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>
/// Item-type bytes of the variable items in A-ASSOCIATE-RQ/AC (PS3.8 §9.3.2.1-9.3.3.3, Annex D)
/// and of the user-information sub-items (PS3.8 Annex D.1, PS3.7 Annex D.3.3).
/// </summary>
internal static class ItemTypes
{
    public const byte ApplicationContext = 0x10;
    public const byte PresentationContextRequest = 0x20;
    public const byte PresentationContextAccept = 0x21;
    public const byte AbstractSyntax = 0x30;
    public const byte TransferSyntax = 0x40;
    public const byte UserInformation = 0x50;

    public const byte MaximumLength = 0x51;
    public const byte ImplementationClassUid = 0x52;
    public const byte AsynchronousOperationsWindow = 0x53;
    public const byte RoleSelection = 0x54;
    public const byte ImplementationVersionName = 0x55;
    public const byte SopClassExtendedNegotiation = 0x56;
    public const byte SopClassCommonExtendedNegotiation = 0x57;
    public const byte UserIdentityRequest = 0x58;
    public const byte UserIdentityResponse = 0x59;
}
