namespace Imaging.Edge.Gateway.Cli;

/// <summary>
/// The command line is wrong in a way only the command can tell (the parser checked the shape); the message says how.
/// Program prints it and exits <see cref="ExitCodes.BadInput"/>.
/// </summary>
internal sealed class UsageException(string message) : Exception(message);
