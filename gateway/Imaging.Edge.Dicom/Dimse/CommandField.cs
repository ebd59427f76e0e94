namespace Imaging.Edge.Dicom.Dimse;

/// <summary>DIMSE command field values, PS3.7 §E.1 (Table E.1-1).</summary>
public enum CommandField : ushort
{
    CStoreRequest = 0x0001,
    CStoreResponse = 0x8001,
    CGetRequest = 0x0010,
    CFindRequest = 0x0020,
    CMoveRequest = 0x0021,
    CEchoRequest = 0x0030,
    CEchoResponse = 0x8030,
    NEventReportRequest = 0x0100,
    NGetRequest = 0x0110,
    NSetRequest = 0x0120,
    NActionRequest = 0x0130,
    NCreateRequest = 0x0140,
    NDeleteRequest = 0x0150,
    CCancelRequest = 0x0FFF,
}
