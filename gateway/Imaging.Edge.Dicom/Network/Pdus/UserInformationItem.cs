namespace Imaging.Edge.Dicom.Network.Pdus;

/// <summary>
/// Reads and writes the user-information item (50H) and its sub-items.
/// Every sub-item has the 4-byte header item-type | reserved (57H: sub-item-version) | item-length (16-bit).
/// Unknown sub-item types are skipped, as PS3.7 D.3.3 asks.
/// </summary>
internal static class UserInformationItem
{
    private const string Context = "user-information item";

    // PS3.8 D.1, Table D.1-1: maximum-length-received, 32-bit (item length 4).
    private const int MaximumLengthBodyLength = 4;

    // PS3.7 D.3.3.3.1, Table D.3-7: max-number-operations-invoked (16-bit), max-number-operations-performed (16-bit).
    private const int AsyncWindowBodyLength = 4;

    // PS3.7 D.3.3.2.3: an implementation version name has 1 to 16 characters.
    private const int MaxImplementationVersionNameLength = 16;

    public static UserInformation Read(ReadOnlySpan<byte> body)
    {
        uint maxLength = 0;
        string? classUid = null;
        string? versionName = null;
        AsyncOperationsWindow? window = null;
        UserIdentityRequest? identityRequest = null;
        UserIdentityResponse? identityResponse = null;
        List<RoleSelection>? roles = null;
        List<ExtendedNegotiation>? extended = null;
        List<CommonExtendedNegotiation>? common = null;
        uint seenSingletons = 0; // bit (type - 50H) set once a sub-item that may appear only once has been read

        var reader = new ItemReader(body, Context);
        while (reader.TryReadItem(out byte type, out ReadOnlySpan<byte> item))
        {
            bool singleton = type is ItemTypes.MaximumLength or ItemTypes.ImplementationClassUid or ItemTypes.ImplementationVersionName
                or ItemTypes.AsynchronousOperationsWindow or ItemTypes.UserIdentityRequest or ItemTypes.UserIdentityResponse;
            if (singleton)
            {
                uint bit = 1u << (type - ItemTypes.UserInformation);
                if ((seenSingletons & bit) != 0)
                {
                    throw ItemReader.Unexpected($"user-information sub-item 0x{type:X2} appears twice");
                }

                seenSingletons |= bit;
            }

            switch (type)
            {
                case ItemTypes.MaximumLength:
                    maxLength = ReadFixed(item, MaximumLengthBodyLength, "maximum-length sub-item").ReadUInt32();
                    break;
                case ItemTypes.ImplementationClassUid:
                    classUid = WireText.ReadUid(item);
                    break;
                case ItemTypes.ImplementationVersionName:
                    versionName = WireText.ReadText(item);
                    break;
                case ItemTypes.AsynchronousOperationsWindow:
                    var w = ReadFixed(item, AsyncWindowBodyLength, "asynchronous-operations-window sub-item");
                    window = new AsyncOperationsWindow(w.ReadUInt16(), w.ReadUInt16());
                    break;
                case ItemTypes.RoleSelection:
                    (roles ??= []).Add(ReadRoleSelection(item));
                    break;
                case ItemTypes.SopClassExtendedNegotiation:
                    (extended ??= []).Add(ReadExtendedNegotiation(item));
                    break;
                case ItemTypes.SopClassCommonExtendedNegotiation:
                    (common ??= []).Add(ReadCommonExtendedNegotiation(item));
                    break;
                case ItemTypes.UserIdentityRequest:
                    identityRequest = ReadUserIdentityRequest(item);
                    break;
                case ItemTypes.UserIdentityResponse:
                    var r = new ItemReader(item, "user-identity-response sub-item");
                    identityResponse = new UserIdentityResponse(r.ReadLengthPrefixed16().ToArray());
                    break;
                default:
                    // PS3.7 D.3.3: unrecognised user-information sub-items are ignored.
                    break;
            }
        }

        return new UserInformation
        {
            MaxPduLength = maxLength,
            ImplementationClassUid = classUid,
            ImplementationVersionName = versionName,
            AsyncOperationsWindow = window,
            RoleSelections = roles ?? [],
            ExtendedNegotiations = extended ?? [],
            CommonExtendedNegotiations = common ?? [],
            UserIdentityRequest = identityRequest,
            UserIdentityResponse = identityResponse,
        };
    }

    private static ItemReader ReadFixed(ReadOnlySpan<byte> item, int expectedLength, string what)
    {
        if (item.Length != expectedLength)
        {
            throw ItemReader.Invalid($"the {what} has {item.Length} bytes instead of {expectedLength}");
        }

        return new ItemReader(item, what);
    }

    // PS3.7 D.3.3.4.1, Table D.3-9: UID-length (16-bit) | SOP-class-uid | SCU-role (1 byte) | SCP-role (1 byte).
    private static RoleSelection ReadRoleSelection(ReadOnlySpan<byte> item)
    {
        var r = new ItemReader(item, "role-selection sub-item");
        string uid = WireText.ReadUid(r.ReadLengthPrefixed16());
        bool scu = r.ReadByte() != 0;
        bool scp = r.ReadByte() != 0;
        return new RoleSelection(uid, scu, scp);
    }

    // PS3.7 D.3.3.5.1, Table D.3-11: SOP-class-uid-length (16-bit) | SOP-class-uid | service-class-application-information (rest).
    private static ExtendedNegotiation ReadExtendedNegotiation(ReadOnlySpan<byte> item)
    {
        var r = new ItemReader(item, "SOP-class-extended-negotiation sub-item");
        string uid = WireText.ReadUid(r.ReadLengthPrefixed16());
        return new ExtendedNegotiation(uid, r.ReadRest().ToArray());
    }

    // PS3.7 D.3.3.6.1, Table D.3-12: SOP-class-uid-length (16-bit) | SOP-class-uid | service-class-uid-length (16-bit) |
    // service-class-uid | related-general-sop-class-identification-length (16-bit) | related-general-sop-class-identification,
    // which is a sequence of Table D.3-13 fields: related-general-sop-class-uid-length (16-bit) | related-general-sop-class-uid.
    private static CommonExtendedNegotiation ReadCommonExtendedNegotiation(ReadOnlySpan<byte> item)
    {
        var r = new ItemReader(item, "SOP-class-common-extended-negotiation sub-item");
        string sopClass = WireText.ReadUid(r.ReadLengthPrefixed16());
        string serviceClass = WireText.ReadUid(r.ReadLengthPrefixed16());
        var related = new List<string>();
        var relatedReader = new ItemReader(r.ReadLengthPrefixed16(), "related-general-SOP-class identification");
        while (relatedReader.Remaining > 0)
        {
            related.Add(WireText.ReadUid(relatedReader.ReadLengthPrefixed16()));
        }

        return new CommonExtendedNegotiation(sopClass, serviceClass, related);
    }

    // PS3.7 D.3.3.7.1, Table D.3-14: user-identity-type (1 byte) | positive-response-requested (1 byte) |
    // primary-field-length (16-bit) | primary-field | secondary-field-length (16-bit) | secondary-field.
    private static UserIdentityRequest ReadUserIdentityRequest(ReadOnlySpan<byte> item)
    {
        var r = new ItemReader(item, "user-identity-request sub-item");
        byte identityType = r.ReadByte();
        bool positiveResponse = r.ReadByte() != 0;
        byte[] primary = r.ReadLengthPrefixed16().ToArray();
        byte[] secondary = r.ReadLengthPrefixed16().ToArray();
        return new UserIdentityRequest(identityType, positiveResponse, primary, secondary);
    }

    /// <summary>Writes the item in the order of PS3.7 D.3.3; the maximum-length sub-item is always written (it is mandatory).</summary>
    public static void Write(PduBuilder builder, UserInformation info)
    {
        ArgumentNullException.ThrowIfNull(info);
        int outer = builder.BeginItem(ItemTypes.UserInformation);

        int at = builder.BeginItem(ItemTypes.MaximumLength);
        builder.WriteUInt32(info.MaxPduLength);
        builder.EndItem(at, "maximum-length sub-item");

        if (info.ImplementationClassUid is { } classUid)
        {
            at = builder.BeginItem(ItemTypes.ImplementationClassUid);
            builder.WriteBytes(WireText.ToAscii(classUid, nameof(UserInformation.ImplementationClassUid)));
            builder.EndItem(at, "implementation-class-UID sub-item");
        }

        if (info.AsyncOperationsWindow is { } window)
        {
            at = builder.BeginItem(ItemTypes.AsynchronousOperationsWindow);
            builder.WriteUInt16(window.MaxOperationsInvoked);
            builder.WriteUInt16(window.MaxOperationsPerformed);
            builder.EndItem(at, "asynchronous-operations-window sub-item");
        }

        foreach (RoleSelection role in info.RoleSelections)
        {
            at = builder.BeginItem(ItemTypes.RoleSelection);
            builder.WriteLengthPrefixed16(WireText.ToAscii(role.SopClassUid, nameof(RoleSelection.SopClassUid)), "role-selection SOP class UID");
            builder.WriteByte(role.ScuRole ? (byte)1 : (byte)0);
            builder.WriteByte(role.ScpRole ? (byte)1 : (byte)0);
            builder.EndItem(at, "role-selection sub-item");
        }

        if (info.ImplementationVersionName is { } versionName)
        {
            if (versionName.Length > MaxImplementationVersionNameLength)
            {
                throw new ArgumentException(
                    $"An implementation version name has at most {MaxImplementationVersionNameLength} characters.", nameof(info));
            }

            at = builder.BeginItem(ItemTypes.ImplementationVersionName);
            builder.WriteBytes(WireText.ToAscii(versionName, nameof(UserInformation.ImplementationVersionName)));
            builder.EndItem(at, "implementation-version-name sub-item");
        }

        foreach (ExtendedNegotiation negotiation in info.ExtendedNegotiations)
        {
            at = builder.BeginItem(ItemTypes.SopClassExtendedNegotiation);
            builder.WriteLengthPrefixed16(WireText.ToAscii(negotiation.SopClassUid, nameof(ExtendedNegotiation.SopClassUid)), "SOP class UID");
            builder.WriteBytes(negotiation.ServiceClassApplicationInformation.Span);
            builder.EndItem(at, "SOP-class-extended-negotiation sub-item");
        }

        foreach (CommonExtendedNegotiation negotiation in info.CommonExtendedNegotiations)
        {
            // Byte 1 of this sub-item is the sub-item-version, 00H (PS3.7 Table D.3-12).
            at = builder.BeginItem(ItemTypes.SopClassCommonExtendedNegotiation, secondByte: 0);
            builder.WriteLengthPrefixed16(WireText.ToAscii(negotiation.SopClassUid, nameof(CommonExtendedNegotiation.SopClassUid)), "SOP class UID");
            builder.WriteLengthPrefixed16(WireText.ToAscii(negotiation.ServiceClassUid, nameof(CommonExtendedNegotiation.ServiceClassUid)), "service class UID");
            int related = builder.BeginLength16();
            foreach (string uid in negotiation.RelatedGeneralSopClassUids)
            {
                builder.WriteLengthPrefixed16(WireText.ToAscii(uid, nameof(CommonExtendedNegotiation.RelatedGeneralSopClassUids)), "related general SOP class UID");
            }

            builder.EndItem(related, "related-general-SOP-class identification");
            builder.EndItem(at, "SOP-class-common-extended-negotiation sub-item");
        }

        if (info.UserIdentityRequest is { } request)
        {
            at = builder.BeginItem(ItemTypes.UserIdentityRequest);
            builder.WriteByte(request.IdentityType);
            builder.WriteByte(request.PositiveResponseRequested ? (byte)1 : (byte)0);
            builder.WriteLengthPrefixed16(request.PrimaryField.Span, "user identity primary field");
            builder.WriteLengthPrefixed16(request.SecondaryField.Span, "user identity secondary field");
            builder.EndItem(at, "user-identity-request sub-item");
        }

        if (info.UserIdentityResponse is { } response)
        {
            at = builder.BeginItem(ItemTypes.UserIdentityResponse);
            builder.WriteLengthPrefixed16(response.ServerResponse.Span, "user identity server response");
            builder.EndItem(at, "user-identity-response sub-item");
        }

        builder.EndItem(outer, "user-information item");
    }
}
