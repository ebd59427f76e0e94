using System.Globalization;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Gateway.Configuration;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>HOST PORT [--aet] [--aec] shared by <c>echo</c> and <c>send</c>.</summary>
internal static class ClientOptionsParser
{
    public static DicomClientOptions Parse(Arguments arguments, string usage)
    {
        if (arguments.Positional.Count < 2)
            throw new UsageException($"usage: imaging-edge {usage}");
        if (!int.TryParse(arguments.Positional[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new UsageException($"PORT must be between 1 and 65535 (was '{arguments.Positional[1]}')");
        var calling = arguments.Option("aet") ?? "IMAGING_EDGE";
        var called = arguments.Option("aec") ?? "ANY-SCP";
        if (!OptionsValidator.IsAeTitle(calling)) throw new UsageException($"--aet: not an AE title: '{calling}'");
        if (!OptionsValidator.IsAeTitle(called)) throw new UsageException($"--aec: not an AE title: '{called}'");
        return new DicomClientOptions { Host = arguments.Positional[0], Port = port, CallingAeTitle = calling, CalledAeTitle = called };
    }
}
