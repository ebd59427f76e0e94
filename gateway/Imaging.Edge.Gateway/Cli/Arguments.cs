namespace Imaging.Edge.Gateway.Cli;

/// <summary>Parsed command line: positional words and <c>--name value</c> options (and bare <c>--flag</c>s).</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    /// <summary>Parses; <paramref name="flags"/> are the options that take no value. Throws <see cref="UsageException"/>.</summary>
    public static Arguments Parse(IReadOnlyList<string> args, IReadOnlySet<string> valued, IReadOnlySet<string> flags)
    {
        var parsed = new Arguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--")
            {
                parsed.Positional.Add(arg);
                continue;
            }
            var name = arg[2..];
            if (flags.Contains(name))
                parsed._options[name] = null;
            else if (valued.Contains(name))
                parsed._options[name] = i + 1 < args.Count ? args[++i] : throw new UsageException($"{arg} needs a value");
            else
                throw new UsageException($"unknown option {arg}");
        }
        return parsed;
    }

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public bool Flag(string name) => _options.ContainsKey(name);
}

/// <summary>The command line is wrong; the message says how.</summary>
internal sealed class UsageException(string message) : Exception(message);
