namespace Imaging.Edge.Gateway.Commands;

/// <summary>Thrown by a command for a request it cannot carry out; answered as an error with <see cref="Code"/>.</summary>
internal sealed class CommandException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    public static CommandException BadArguments(string message) => new("bad-arguments", message);

    public static CommandException Unavailable(string message) => new("unavailable", message);
}
