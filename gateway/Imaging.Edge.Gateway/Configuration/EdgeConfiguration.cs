using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Imaging.Edge.Gateway.Configuration;

/// <summary>
/// The gateway's configuration, read from one optional JSON file and then from <c>IMAGING_EDGE__Section__Key</c>
/// environment variables (which win), bound to the option classes and validated. Every problem names its key.
/// </summary>
internal sealed class EdgeConfiguration
{
    public const string EnvironmentPrefix = "IMAGING_EDGE__";

    /// <summary>Sections this version understands; anything else is a typo worth stopping for.</summary>
    private static readonly HashSet<string> KnownSections = new(StringComparer.OrdinalIgnoreCase)
    {
        GatewayOptions.Section, DicomOptions.Section, QueueOptions.Section, UploadOptions.Section, RetentionOptions.Section, MqttOptions.Section, SerialOptions.Section, "Logging",
    };

    public required IConfigurationRoot Root { get; init; }
    public required GatewayOptions Gateway { get; init; }
    public required DicomOptions Dicom { get; init; }
    public required QueueOptions Queue { get; init; }
    public required UploadOptions Upload { get; init; }
    public required RetentionOptions Retention { get; init; }
    public required MqttOptions Mqtt { get; init; }
    public required SerialOptions Serial { get; init; }

    /// <summary>Loads and validates. Throws <see cref="ConfigurationException"/> listing every problem found.</summary>
    public static EdgeConfiguration Load(string? configFile)
    {
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            var fullPath = Path.GetFullPath(configFile);
            if (!File.Exists(fullPath))
                throw new ConfigurationException($"--config: no such file: {fullPath}");
            builder.AddJsonFile(fullPath, optional: false, reloadOnChange: true);
        }
        builder.AddEnvironmentVariables(EnvironmentPrefix);

        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new ConfigurationException($"{configFile}: not valid JSON: {e.Message}");
        }
        return FromRoot(root);
    }

    public static EdgeConfiguration FromRoot(IConfigurationRoot root)
    {
        var problems = new List<string>();
        foreach (var section in root.GetChildren())
        {
            if (!KnownSections.Contains(section.Key))
                problems.Add($"{section.Key}: unknown section (known: {string.Join(", ", KnownSections.Order())})");
        }
        var configuration = new EdgeConfiguration
        {
            Root = root,
            Gateway = Bind<GatewayOptions>(root, GatewayOptions.Section, problems),
            Dicom = Bind<DicomOptions>(root, DicomOptions.Section, problems),
            Queue = Bind<QueueOptions>(root, QueueOptions.Section, problems),
            Upload = Bind<UploadOptions>(root, UploadOptions.Section, problems),
            Retention = Bind<RetentionOptions>(root, RetentionOptions.Section, problems),
            Mqtt = Bind<MqttOptions>(root, MqttOptions.Section, problems),
            Serial = Bind<SerialOptions>(root, SerialOptions.Section, problems),
        };
        if (problems.Count == 0)
            OptionsValidator.Validate(configuration, problems);
        if (problems.Count > 0)
            throw new ConfigurationException(problems);
        return configuration;
    }

    public static T Bind<T>(IConfiguration root, string sectionName, List<string> problems) where T : new()
    {
        var options = new T();
        var section = root.GetSection(sectionName);
        try
        {
            section.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            problems.Add(DescribeBindingError(sectionName, e));
        }
        return options;
    }

    /// <summary>The binder's messages name the path for conversions; for unknown keys we name them ourselves.</summary>
    private static string DescribeBindingError(string sectionName, InvalidOperationException e)
    {
        const string unknownMarker = "were not found on the instance of";
        if (e.Message.Contains(unknownMarker, StringComparison.Ordinal))
        {
            var start = e.Message.LastIndexOf(':');
            var keys = start >= 0 ? e.Message[(start + 1)..].Trim().TrimEnd('.') : e.Message;
            return string.Create(CultureInfo.InvariantCulture, $"{sectionName}: unknown key(s) {keys}");
        }
        return e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
    }
}
