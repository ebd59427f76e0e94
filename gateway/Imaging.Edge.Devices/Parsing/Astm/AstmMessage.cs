namespace Imaging.Edge.Devices.Parsing.Astm;

/// <summary>One E1394 message: a header, the records that follow it, and (normally) a terminator.</summary>
internal sealed record AstmMessage(AstmRecord Header, IReadOnlyList<AstmRecord> Records, bool Terminated)
{
    /// <summary>H.5 sender name or ID, first component (§7.1.5).</summary>
    private const int SenderNameField = 5;
    /// <summary>H.12 processing ID (§7.1.12): P production, T training, D debugging, Q quality control.</summary>
    private const int ProcessingIdField = 12;
    /// <summary>H.13 version number (§7.1.13).</summary>
    private const int VersionField = 13;

    public AstmDelimiters Delimiters => Header.Delimiters;

    public string? SenderName => NullIfEmpty(Header.Get(SenderNameField, 1));

    public string? ProcessingId => NullIfEmpty(Header.Get(ProcessingIdField, 1));

    public string? Version => NullIfEmpty(Header.Get(VersionField, 1));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
