namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>
/// The user-information item (50H) of A-ASSOCIATE-RQ/AC (PS3.8 §9.3.2.3, §9.3.3.3, Annex D.1; PS3.7 Annex D.3.3).
/// On the wire it is encoded by <see cref="UserInformationItem"/>.
/// </summary>
public sealed record UserInformation
{
    /// <summary>Maximum P-DATA-TF PDU length the sender can receive (sub-item 51H, PS3.8 D.1). 0 = unlimited.</summary>
    public uint MaxPduLength { get; init; }

    /// <summary>Implementation class UID (sub-item 52H, PS3.7 D.3.3.2). Not written when null.</summary>
    public string? ImplementationClassUid { get; init; }

    /// <summary>Implementation version name, 1-16 characters (sub-item 55H, PS3.7 D.3.3.2). Not written when null.</summary>
    public string? ImplementationVersionName { get; init; }

    /// <summary>Asynchronous operations window (sub-item 53H, PS3.7 D.3.3.3).</summary>
    public AsyncOperationsWindow? AsyncOperationsWindow { get; init; }

    /// <summary>SCP/SCU role selections (sub-items 54H, PS3.7 D.3.3.4).</summary>
    public IReadOnlyList<RoleSelection> RoleSelections { get; init; } = [];

    /// <summary>SOP class extended negotiations (sub-items 56H, PS3.7 D.3.3.5).</summary>
    public IReadOnlyList<ExtendedNegotiation> ExtendedNegotiations { get; init; } = [];

    /// <summary>SOP class common extended negotiations (sub-items 57H, PS3.7 D.3.3.6); A-ASSOCIATE-RQ only.</summary>
    public IReadOnlyList<CommonExtendedNegotiation> CommonExtendedNegotiations { get; init; } = [];

    /// <summary>User identity negotiation request (sub-item 58H, PS3.7 D.3.3.7.1); A-ASSOCIATE-RQ only.</summary>
    public UserIdentityRequest? UserIdentityRequest { get; init; }

    /// <summary>User identity negotiation response (sub-item 59H, PS3.7 D.3.3.7.2); A-ASSOCIATE-AC only.</summary>
    public UserIdentityResponse? UserIdentityResponse { get; init; }
}

/// <summary>Asynchronous operations window (PS3.7 D.3.3.3). 0 means unlimited.</summary>
public sealed record AsyncOperationsWindow(ushort MaxOperationsInvoked, ushort MaxOperationsPerformed);

/// <summary>SCP/SCU role selection for one SOP class (PS3.7 D.3.3.4).</summary>
public sealed record RoleSelection(string SopClassUid, bool ScuRole, bool ScpRole);

/// <summary>SOP class extended negotiation (PS3.7 D.3.3.5); the application information is service-class specific.</summary>
public sealed record ExtendedNegotiation(string SopClassUid, ReadOnlyMemory<byte> ServiceClassApplicationInformation);

/// <summary>SOP class common extended negotiation (PS3.7 D.3.3.6).</summary>
public sealed record CommonExtendedNegotiation(string SopClassUid, string ServiceClassUid, IReadOnlyList<string> RelatedGeneralSopClassUids);

/// <summary>
/// User identity negotiation request (PS3.7 D.3.3.7.1). Identity type: 1 username, 2 username and passcode,
/// 3 Kerberos ticket, 4 SAML assertion, 5 JSON web token. The secondary field is the passcode for type 2, else empty.
/// </summary>
public sealed record UserIdentityRequest(byte IdentityType, bool PositiveResponseRequested, ReadOnlyMemory<byte> PrimaryField, ReadOnlyMemory<byte> SecondaryField);

/// <summary>User identity negotiation response (PS3.7 D.3.3.7.2).</summary>
public sealed record UserIdentityResponse(ReadOnlyMemory<byte> ServerResponse);
