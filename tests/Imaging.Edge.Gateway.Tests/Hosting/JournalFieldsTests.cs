using System.Buffers.Binary;
using System.Reflection;
using System.Text;
using Imaging.Edge.Gateway.Hosting.Journal;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Tests.Hosting;

/// <summary>The native journal protocol's encoding and the field names template parameters become.</summary>
public sealed class JournalFieldsTests
{
    [Theory]
    [InlineData("FreeMegabytes", "FREE_MEGABYTES")]
    [InlineData("aeTitle", "AE_TITLE")]
    [InlineData("CallingAeTitle", "CALLING_AE_TITLE")]
    [InlineData("SOPInstanceUid", "SOP_INSTANCE_UID")]
    [InlineData("associationId", "ASSOCIATION_ID")]
    [InlineData("Version2", "VERSION2")]
    [InlineData("Priority", "EDGE_PRIORITY")]
    [InlineData("MessageId", "EDGE_MESSAGE_ID")]
    [InlineData("Message", "EDGE_MESSAGE")]
    [InlineData("Site", "EDGE_SITE")]
    [InlineData("_private", "PRIVATE")]
    [InlineData("2fa", "F_2FA")]
    public void A_template_parameter_becomes_an_upper_case_field_that_never_takes_a_journal_field(string parameter, string field) =>
        Assert.Equal(field, JournalFields.Name(parameter));

    [Fact]
    public void Every_log_parameter_of_the_product_has_a_field_name_of_its_own_within_its_template()
    {
        var methods = from assembly in new[] { typeof(JournalFields).Assembly, typeof(Imaging.Edge.Dicom.Network.DicomServer).Assembly, typeof(Imaging.Edge.CloudSync.Upload.ObjectUploader).Assembly }
                      from type in assembly.GetTypes()
                      from method in type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                      where method.GetCustomAttribute<LoggerMessageAttribute>() is not null
                      select method;
        var problems = new List<string>();
        foreach (var method in methods)
        {
            var names = method.GetParameters()
                .Where(p => p.ParameterType != typeof(ILogger) && p.ParameterType != typeof(Exception))
                .Select(p => JournalFields.Name(p.Name!)).ToList();
            if (names.Any(n => n is null || n.StartsWith('_') || n.Length > 64 || !n.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_')))
                problems.Add($"{method.DeclaringType!.Name}.{method.Name}: {string.Join(", ", names)}");
            if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
                problems.Add($"{method.DeclaringType!.Name}.{method.Name}: two parameters, one field");
        }
        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    [Fact]
    public void A_value_with_a_newline_goes_in_the_binary_safe_form()
    {
        var datagram = JournalFields.Encode([new("MESSAGE", "one line"), new("EXCEPTION", "first\nsecond"), new("PRIORITY", "4")]);

        var prefix = Encoding.UTF8.GetBytes("MESSAGE=one line\nEXCEPTION\n");
        Assert.Equal(prefix, datagram[..prefix.Length]);
        Assert.Equal(12UL, BinaryPrimitives.ReadUInt64LittleEndian(datagram.AsSpan(prefix.Length, 8)));
        Assert.Equal("first\nsecond\nPRIORITY=4\n", Encoding.UTF8.GetString(datagram.AsSpan(prefix.Length + 8)));
    }

    [Theory]
    [InlineData(LogLevel.Critical, 2)]
    [InlineData(LogLevel.Error, 3)]
    [InlineData(LogLevel.Warning, 4)]
    [InlineData(LogLevel.Information, 6)]
    [InlineData(LogLevel.Debug, 7)]
    [InlineData(LogLevel.Trace, 7)]
    public void Levels_map_to_syslog_priorities(LogLevel level, int priority) => Assert.Equal(priority, JournalFields.Priority(level));
}
