using Imaging.Edge.Gateway.Configuration;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>How every command loads the configuration: the file and the environment, as <c>run</c> does.</summary>
internal static class CliConfiguration
{
    /// <summary>The validated configuration, or null after printing every problem to stderr (the caller exits 2).</summary>
    public static async Task<EdgeConfiguration?> TryLoadAsync(string? configFile)
    {
        try
        {
            return EdgeConfiguration.Load(configFile);
        }
        catch (ConfigurationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return null;
        }
    }
}
