using System.Buffers.Binary;
using System.Text;

namespace Imaging.Edge.Gateway.Hosting.Journal;

/// <summary>
/// journald's native protocol (systemd.io/JOURNAL_NATIVE_PROTOCOL): one datagram per entry, each field
/// <c>NAME=value\n</c>, or — for a value holding a newline — <c>NAME\n</c>, the value's length as a 64-bit
/// little-endian integer, the value, <c>\n</c>. Field names are upper-case letters, digits and underscores, do not start
/// with an underscore (those are journald's trusted fields) and are at most 64 characters. Pure functions.
/// </summary>
internal static class JournalFields
{
    private const int MaxNameLength = 64;

    /// <summary>Fields journald or journalctl give a meaning: a template parameter of the same name is prefixed instead.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "MESSAGE", "MESSAGE_ID", "PRIORITY", "CODE_FILE", "CODE_LINE", "CODE_FUNC", "ERRNO", "INVOCATION_ID", "USER_INVOCATION_ID",
        "SYSLOG_FACILITY", "SYSLOG_IDENTIFIER", "SYSLOG_PID", "SYSLOG_TIMESTAMP", "SYSLOG_RAW", "DOCUMENTATION", "TID", "UNIT", "USER_UNIT",
        "OBJECT_PID", "COREDUMP_UNIT", "COREDUMP_USER_UNIT", "OBJECT_SYSTEMD_UNIT", "OBJECT_SYSTEMD_USER_UNIT",
        // our own
        "SITE", "GATEWAY", "LOGGER", "EVENT_ID", "EVENT_NAME",
    };

    /// <summary>
    /// A template parameter's name as a journal field: <c>FreeMegabytes</c> → <c>FREE_MEGABYTES</c>, <c>aeTitle</c> →
    /// <c>AE_TITLE</c>; other characters become underscores; a reserved name gets <c>EDGE_</c> in front. Null when
    /// nothing of the name is left.
    /// </summary>
    public static string? Name(string parameter)
    {
        var name = new StringBuilder(parameter.Length + 8);
        for (var i = 0; i < parameter.Length; i++)
        {
            var c = parameter[i];
            if (char.IsAsciiLetterUpper(c) && i > 0 && (char.IsAsciiLetterLower(parameter[i - 1]) || char.IsAsciiDigit(parameter[i - 1])
                || (i + 1 < parameter.Length && char.IsAsciiLetterLower(parameter[i + 1]) && char.IsAsciiLetterUpper(parameter[i - 1]))))
                name.Append('_');
            name.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        }
        var text = name.ToString().Trim('_');
        if (text.Length == 0) return null;
        if (char.IsAsciiDigit(text[0])) text = "F_" + text;
        if (Reserved.Contains(text)) text = "EDGE_" + text;
        return text.Length > MaxNameLength ? text[..MaxNameLength] : text;
    }

    /// <summary>One datagram for the fields, in order.</summary>
    public static byte[] Encode(IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var buffer = new MemoryStream();
        Span<byte> length = stackalloc byte[8];
        foreach (var (name, value) in fields)
        {
            buffer.Write(Encoding.ASCII.GetBytes(name));
            var bytes = Encoding.UTF8.GetBytes(value);
            if (value.Contains('\n', StringComparison.Ordinal))
            {
                buffer.WriteByte((byte)'\n');
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)bytes.Length);
                buffer.Write(length);
            }
            else
            {
                buffer.WriteByte((byte)'=');
            }
            buffer.Write(bytes);
            buffer.WriteByte((byte)'\n');
        }
        return buffer.ToArray();
    }

    /// <summary>syslog priorities (syslog(3)): what <c>journalctl -p</c> filters on.</summary>
    public static int Priority(Microsoft.Extensions.Logging.LogLevel level) => level switch
    {
        Microsoft.Extensions.Logging.LogLevel.Critical => 2,
        Microsoft.Extensions.Logging.LogLevel.Error => 3,
        Microsoft.Extensions.Logging.LogLevel.Warning => 4,
        Microsoft.Extensions.Logging.LogLevel.Information => 6,
        _ => 7,
    };
}
