namespace Imaging.Edge.Gateway.Configuration;

/// <summary>The configuration cannot be used; the message names each key and what is wrong with it.</summary>
internal sealed class ConfigurationException(IReadOnlyList<string> problems)
    : Exception("invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;

    public ConfigurationException(string problem) : this([problem]) { }
}
