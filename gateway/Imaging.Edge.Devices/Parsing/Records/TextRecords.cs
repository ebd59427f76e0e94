namespace Imaging.Edge.Devices.Parsing.Records;

/// <summary>The records of a text message: split on the profile's separator; empty records (a blank line, the end) are skipped.</summary>
internal static class TextRecords
{
    public static IEnumerable<(int Number, string Text)> Split(string text, string separator)
    {
        int number = 0;
        foreach (string record in text.Split(separator))
        {
            number++;
            if (record.Length > 0)
                yield return (number, record);
        }
    }
}
