using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Gateway.Configuration;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>HOST PORT [--aet] [--aec], shared by <c>echo</c> and <c>send</c>: the parser checks the port and the AE titles.</summary>
internal sealed class DicomPeerArguments
{
    public Argument<string> Host { get; } = new("HOST") { Description = "The DICOM peer's host name or IP address." };

    public Argument<int> Port { get; } = new("PORT")
    {
        Description = "The peer's DICOM port (often 104 or 11112).",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
                return port;
            result.AddError($"PORT must be between 1 and 65535 (was '{text}')");
            return 0;
        },
    };

    public Option<string> CallingAeTitle { get; } = AeTitle("--aet", "IMAGING_EDGE", "Our AE title (calling), as the peer knows it.");

    public Option<string> CalledAeTitle { get; } = AeTitle("--aec", "ANY-SCP", "The peer's AE title (called).");

    public void AddTo(Command command)
    {
        command.Add(Host);
        command.Add(Port);
        command.Add(CallingAeTitle);
        command.Add(CalledAeTitle);
    }

    public DicomClientOptions Options(ParseResult parse) => new()
    {
        Host = parse.GetRequiredValue(Host),
        Port = parse.GetValue(Port),
        CallingAeTitle = parse.GetRequiredValue(CallingAeTitle),
        CalledAeTitle = parse.GetRequiredValue(CalledAeTitle),
    };

    private static Option<string> AeTitle(string name, string defaultValue, string description)
    {
        var option = new Option<string>(name) { Description = description, HelpName = "AE", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!OptionsValidator.IsAeTitle(value))
                result.AddError($"{name}: not an AE title: '{value}'");
        });
        return option;
    }
}
