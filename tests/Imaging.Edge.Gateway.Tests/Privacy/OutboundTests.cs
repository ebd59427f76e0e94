using System.Reflection;
using System.Text.RegularExpressions;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Tests.Privacy;

/// <summary>What may leave the box is decided in <see cref="Outbound"/>; these tests hold the product to it.</summary>
public sealed partial class OutboundTests
{
    private static readonly Assembly[] Product =
    [
        typeof(Outbound).Assembly,
        typeof(Imaging.Edge.Dicom.Network.DicomServer).Assembly,
        typeof(Imaging.Edge.CloudSync.Upload.ObjectUploader).Assembly,
    ];

    /// <summary>Every structured-log parameter of the product, as (method, parameter name).</summary>
    private static IEnumerable<(string Method, string Parameter)> LogParameters() =>
        from assembly in Product
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
        where method.GetCustomAttribute<LoggerMessageAttribute>() is not null
        from parameter in method.GetParameters()
        where parameter.ParameterType != typeof(ILogger) && parameter.ParameterType != typeof(Exception)
        select ($"{type.Name}.{method.Name}", parameter.Name!);

    [Fact]
    public void No_log_template_takes_a_patient_attribute()
    {
        var parameters = LogParameters().ToList();
        Assert.True(parameters.Count > 50, $"only {parameters.Count} log parameters found: is the reflection still finding [LoggerMessage] methods?");

        // A parameter named after a patient attribute is refused, except the keyed hash (…Key) and machine names
        // (an AE title, an endpoint, a host: CallingAe, EndpointName, HostName).
        var offending = parameters.Where(p => Outbound.PatientWords.Any(w => p.Parameter.Contains(w, StringComparison.OrdinalIgnoreCase))
                && !AllowedName().IsMatch(p.Parameter))
            .Select(p => $"{p.Method}({p.Parameter})").ToList();
        Assert.True(offending.Count == 0, "log templates naming a patient attribute: " + string.Join(", ", offending));
    }

    [GeneratedRegex("^(patientKey|[a-z]*(Ae|Endpoint|Host|Store|Device|Section|File|Category|Syntax)Name|name)$", RegexOptions.IgnoreCase)]
    private static partial Regex AllowedName();

    [Fact]
    public void Log_event_ids_are_unique_across_the_product()
    {
        var ids = (from assembly in Product
                   from type in assembly.GetTypes()
                   from method in type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                   let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
                   where attribute is not null
                   select (attribute.EventId, Name: $"{type.Name}.{method.Name}")).ToList();
        var clashes = ids.GroupBy(i => i.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(i => i.Name))}").ToList();
        Assert.True(clashes.Count == 0, "event ids used twice (a journal filter by id would mix them up): " + string.Join("; ", clashes));
    }

    [Fact]
    public void Events_refuse_a_field_nobody_decided_on()
    {
        Assert.Contains("\"study\":\"abc\"", QueueEvents.Payload(("study", "abc"), ("instances", 2)), StringComparison.Ordinal);
        var error = Assert.Throws<InvalidOperationException>(() => QueueEvents.Payload(("study", "abc"), ("patientName", "DOE^JOHN")));
        Assert.Contains("patientName", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Outbound.EventFields, f => f.Contains("name", StringComparison.OrdinalIgnoreCase) || f.Contains("birth", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Object_metadata_refuses_a_key_nobody_decided_on()
    {
        Assert.Single(Outbound.CheckMetadata(new Dictionary<string, string> { ["sha256"] = "00" }));
        Assert.Throws<InvalidOperationException>(() => Outbound.CheckMetadata(new Dictionary<string, string> { ["patient-id"] = "12345" }));
    }

    [Fact]
    public void Errors_are_described_by_their_kind_only() =>
        Assert.Equal("IOException", Outbound.ErrorText(new IOException("/data/studies/1.2.840.1/9.dcm: no space")));
}
