using System.Text.Json;
using Imaging.Edge.Gateway.Configuration;
using Microsoft.Extensions.Configuration;

namespace Imaging.Edge.Fuzz.Targets;

/// <summary>
/// The configuration loader over a JSON file's bytes, as <see cref="EdgeConfiguration.Load"/> reads it: the JSON
/// provider, binding of every section and the validators. Refusals: the JSON provider's format errors (which
/// <c>Load</c> turns into a <see cref="ConfigurationException"/>) and <see cref="ConfigurationException"/> itself,
/// which lists every problem. Anything else would stop the gateway with a stack trace instead of a message.
/// </summary>
internal sealed class ConfigurationTarget : FuzzTarget
{
    public override string Name => "config";

    public override void Run(ReadOnlySpan<byte> input)
    {
        IConfigurationRoot root;
        try
        {
            root = new ConfigurationBuilder().AddJsonStream(new MemoryStream(input.ToArray())).Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or JsonException)
        {
            return;
        }
        try
        {
            _ = EdgeConfiguration.FromRoot(root);
        }
        catch (ConfigurationException)
        {
        }
    }
}
