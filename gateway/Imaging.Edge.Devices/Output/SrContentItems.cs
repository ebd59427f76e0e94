using Imaging.Edge.Dicom.Data.Writing;
using T = Imaging.Edge.Devices.Output.OutputTags;

namespace Imaging.Edge.Devices.Output;

/// <summary>
/// Content items of an SR content tree (PS3.3 C.17.3, Table C.17-5 and the value type macros of C.18): each is one
/// item of a Content Sequence (0040,A730) with its Relationship Type, Value Type and Concept Name.
/// </summary>
internal static class SrContentItems
{
    public const string Contains = "CONTAINS";
    public const string HasObsContext = "HAS OBS CONTEXT";
    public const string HasProperties = "HAS PROPERTIES";

    public static DataSetWriter Text(string relationship, DicomCode concept, string text) =>
        Item(relationship, "TEXT", concept).AddString(T.TextValue, DicomVr.UT, text);

    public static DataSetWriter Code(string relationship, DicomCode concept, DicomCode value) =>
        Item(relationship, "CODE", concept).AddCodeSequence(T.ConceptCodeSequence, value);

    public static DataSetWriter UidRef(string relationship, DicomCode concept, string uid) =>
        Item(relationship, "UIDREF", concept).AddUid(T.Uid, uid);

    /// <summary>A NUM item (C.18.1): Measured Value Sequence with one item of Numeric Value (DS) and Measurement Units Code Sequence.</summary>
    public static DataSetWriter Num(string relationship, DicomCode concept, string decimalString, DicomCode units)
    {
        var measured = new DataSetWriter()
            .AddCodeSequence(T.MeasurementUnitsCodeSequence, units)
            .AddString(T.NumericValue, DicomVr.DS, decimalString);
        return Item(relationship, "NUM", concept).AddSequence(T.MeasuredValueSequence, [measured]);
    }

    private static DataSetWriter Item(string relationship, string valueType, DicomCode concept) => new DataSetWriter()
        .AddCodeString(T.RelationshipType, relationship)
        .AddCodeString(T.ValueType, valueType)
        .AddCodeSequence(T.ConceptNameCodeSequence, concept);
}
