using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>
/// The whole command line as one System.CommandLine tree: every command, its arguments, options and help text are
/// declared by its verb (<c>XxxVerb.Create()</c>), so the parser, <c>--help</c> and the README's "Command line" section
/// (checked against <c>imaging-edge --help</c> by a test) cannot drift apart.
/// </summary>
internal static class CommandTree
{
    /// <summary>Help is wrapped at this width everywhere (terminal, pipe, README), so that the README can hold it verbatim.</summary>
    public const int HelpWidth = 110;

    /// <summary>No response files: an argument starting with '@' (a path, an ID) is taken as it is.</summary>
    public static readonly ParserConfiguration Parser = new() { ResponseFileTokenReplacer = null };

    public static RootCommand Create()
    {
        var root = new RootCommand(
            "imaging-edge: the DICOM and serial intake appliance. It receives studies from imaging devices, keeps them " +
            "durably on this box and uploads them to the hospital's object storage. Run 'imaging-edge COMMAND --help' " +
            "for a command's options. " + ExitCodes.Summary + ".");

        // The commands, in the order the help lists them: one line each. A new command adds its line here (provision and
        // doctor go after status: root.Add(ProvisionVerb.Create()); root.Add(DoctorVerb.Create());), then the README's
        // "Command line" block is replaced by the new `imaging-edge --help` (CommandLineTests prints it when they differ).
        root.Add(RunVerb.Create());
        root.Add(StatusVerb.Create());
        root.Add(QueueVerb.Create());
        root.Add(ControlVerb.Create());
        root.Add(EchoVerb.Create());
        root.Add(SendVerb.Create());
        root.Add(ProfilesVerb.Create());
        root.Add(ErasePatientVerb.Create());
        root.Add(DecommissionVerb.Create());

        foreach (var option in root.Options)
        {
            if (option is HelpOption { Action: HelpAction help })
                help.MaxWidth = HelpWidth;
            else if (option is VersionOption version)
                version.Action = new PrintVersion();
        }
        return root;
    }

    /// <summary>
    /// A command line the parser refused: the errors and the typo suggestions ("Did you mean ...") on stderr, a pointer
    /// to the command's help, and exit 2 (System.CommandLine's own error action would print the whole help and exit 1).
    /// </summary>
    public static int ReportErrors(ParseResult parse)
    {
        if (parse.Action is ParseErrorAction errorAction)
        {
            errorAction.ShowHelp = false;
            errorAction.ShowTypoCorrections = true;
        }
        var errors = new StringWriter();
        parse.Invoke(new InvocationConfiguration { Output = errors, Error = errors, EnableDefaultExceptionHandler = false });
        var text = errors.ToString();
        // The parser quotes what it could not place ("Unrecognized command or argument 'DOE'"): for erase-patient that
        // may be a patient's ID or name, which no error text repeats. Option names (typos included) stay.
        if (parse.CommandResult.Command.Name == ErasePatientVerb.Name)
            foreach (var token in parse.Tokens.Where(t => t.Type == TokenType.Argument && !t.Value.StartsWith('-')))
                text = text.Replace($"'{token.Value}'", "'(not shown)'", StringComparison.Ordinal);
        Console.Error.Write(text);
        Console.Error.WriteLine(HelpHint(parse));
        return ExitCodes.BadInput;
    }

    /// <summary><c>try: imaging-edge queue retry --help</c>: where the help of the command that was given is.</summary>
    public static string HelpHint(ParseResult parse)
    {
        var command = string.Join(' ', parse.CommandResult.Command.Parents().Reverse().Append(parse.CommandResult.Command)
            .Where(c => c is not RootCommand).Select(c => c.Name));
        return $"try: imaging-edge {(command.Length > 0 ? command + " " : "")}--help";
    }

    private static IEnumerable<Command> Parents(this Command command)
    {
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
            yield return parent;
    }

    /// <summary><c>--version</c>: the assembly version, as before the tree (scripts may read it).</summary>
    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine($"imaging-edge {typeof(PrintVersion).Assembly.GetName().Version}");
            return ExitCodes.Success;
        }
    }
}
