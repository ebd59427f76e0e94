using System.CommandLine;
using System.Globalization;
using Imaging.Edge.Gateway.Cli;
using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Cli;

/// <summary>
/// The command-line tree, run as the real executable: help for every command, usage mistakes (exit 2, with a
/// suggestion), <c>--opt=value</c>, "not reachable" (exit 3), and the README's "Command line" section against the help.
/// </summary>
public sealed class CommandLineTests
{
    /// <summary>Every command and sub-command of the tree, as the words typed after <c>imaging-edge</c>.</summary>
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach (var (path, _) in Walk(CommandTree.Create(), []))
            data.Add(path);
        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_of_every_command_exits_0_and_lists_its_options_arguments_and_sub_commands(string path)
    {
        var command = Walk(CommandTree.Create(), []).Single(c => c.Path == path).Command;

        var help = await Cli([.. Words(path), "--help"]);

        Assert.True(help.ExitCode == 0, help.Output);
        Assert.Equal("", help.StandardError);
        Assert.Contains(command.Description!.Split(' ')[0], help.StandardOutput, StringComparison.Ordinal);
        foreach (var option in command.Options.Concat(Ancestors(path).SelectMany(a => a.Options.Where(o => o.Recursive))))
            Assert.Contains(option.Name, help.StandardOutput, StringComparison.Ordinal);
        foreach (var argument in command.Arguments)
            Assert.Contains($"<{argument.Name}>", help.StandardOutput, StringComparison.Ordinal);
        foreach (var subcommand in command.Subcommands)
            Assert.Contains($"  {subcommand.Name}", help.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_prints_the_program_and_its_version()
    {
        var version = await Cli(["--version"]);

        Assert.True(version.ExitCode == 0, version.Output);
        Assert.StartsWith("imaging-edge " + typeof(CommandTree).Assembly.GetName().Version, version.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("stauts", "status")]
    [InlineData("queue lsit", "list")]
    [InlineData("status --jsn", "--json")]
    [InlineData("queue list --stat failed", "--state")]
    [InlineData("erase-patient --patient-idd X", "--patient-id")]
    public async Task A_mistyped_command_or_option_exits_2_and_suggests_the_right_one(string typed, string suggestion)
    {
        using var folder = new TemporaryDirectory();

        var result = await Cli(Words(typed), folder.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Did you mean", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(Environment.NewLine + suggestion + Environment.NewLine, result.StandardError, StringComparison.Ordinal);
        Assert.Contains("--help", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("", result.StandardOutput);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path)); // refused before anything was read or made
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("queue --verbose list")]
    [InlineData("echo 127.0.0.1 104 extra")]
    [InlineData("")]
    public async Task An_unknown_command_argument_or_option_exits_2(string typed)
    {
        var result = await Cli(Words(typed));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("try: imaging-edge", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_erase_patient_command_line_does_not_repeat_the_values_given()
    {
        var extra = await Cli(["erase-patient", "--patient-id", "PAT-SECRET-4711", "DOE^JOHN"]);
        var twice = await Cli(["erase-patient", "--patient-id=PAT-SECRET-4711", "--patient-id=PAT-SECRET-4712"]);

        Assert.Equal(2, extra.ExitCode);
        Assert.Contains("(not shown)", extra.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, twice.ExitCode);
        foreach (var result in new[] { extra, twice })
        {
            Assert.DoesNotContain("PAT-SECRET", result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("DOE", result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Options_take_their_value_after_an_equals_sign()
    {
        using var folder = new TemporaryDirectory();
        var dataDir = folder.Combine("elsewhere");
        var config = folder.Combine("edge.json");
        await File.WriteAllTextAsync(config, $$"""{ "Gateway": { "DataDir": "{{dataDir}}" } }""");

        var list = await Cli(["queue", $"--config={config}", "list", "--state=failed"], folder.Path);

        // The file was read: the queue is looked for in its data folder (and, as ever, not created).
        Assert.Equal(1, list.ExitCode);
        Assert.Contains($"no queue at {Path.Combine(dataDir, "queue.db")}", list.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dataDir));
    }

    [Fact]
    public async Task Control_and_status_with_no_gateway_running_exit_3()
    {
        using var folder = new TemporaryDirectory();

        var control = await Cli(["control", "ping"], folder.Path);
        var status = await Cli(["status"], folder.Path);
        var statusJson = await Cli(["status", "--json"], folder.Path);

        Assert.Equal(3, control.ExitCode);
        Assert.Contains("no gateway is running", control.StandardError, StringComparison.Ordinal);
        Assert.Equal(3, status.ExitCode);
        Assert.Contains("no queue at", status.StandardError, StringComparison.Ordinal);
        Assert.Equal(3, statusJson.ExitCode);
    }

    [Fact]
    public async Task Echo_and_send_to_a_port_nobody_listens_on_exit_3()
    {
        using var folder = new TemporaryDirectory();
        File.Copy(PydicomCorpus.File("CT_small.dcm"), folder.Combine("a.dcm"));
        var port = GatewayProcess.FreePort().ToString(CultureInfo.InvariantCulture);

        var echo = await Cli(["echo", "127.0.0.1", port]);
        var send = await Cli(["send", "127.0.0.1", port, folder.Combine("a.dcm")]);

        Assert.Equal(3, echo.ExitCode);
        Assert.Contains($"127.0.0.1:{port} is not reachable", echo.StandardError, StringComparison.Ordinal);
        Assert.Equal(3, send.ExitCode);
    }

    [Fact]
    public async Task Send_draws_a_progress_bar_on_a_terminal_and_plain_lines_otherwise()
    {
        await using var receiver = new ReceiverUnderTest();
        using var folder = new TemporaryDirectory();
        var input = folder.Combine("in");
        FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), input, 3);
        string[] send = ["send", "127.0.0.1", receiver.PortText, input, "--aec", ReceiverUnderTest.AeTitle];

        // script(1) gives the command a pseudo-terminal as its stdout, as an engineer's shell would, and keeps what was
        // written to it byte for byte (the process runner reads lines, and takes a carriage return for the end of one).
        var typescript = folder.Combine("terminal.log");
        var terminal = await ProcessRunner.RunAsync("script",
            ["-qefc", string.Join(' ', new[] { "dotnet", GatewayProcess.ExecutablePath }.Concat(send).Select(w => $"'{w}'")), typescript],
            TimeSpan.FromSeconds(60), workingDirectory: folder.Path);
        var screen = await File.ReadAllTextAsync(typescript);
        var piped = await Cli(send);
        var quiet = await Cli([.. send, "--quiet"]);

        Assert.True(terminal.ExitCode == 0, terminal.Output);
        Assert.Contains("\r[########################] 3/3 files  ", screen, StringComparison.Ordinal);
        Assert.Contains(" MB/s  ETA 0:00", screen, StringComparison.Ordinal);
        Assert.Contains("sent 3 of 3 instances", screen, StringComparison.Ordinal);
        Assert.True(piped.ExitCode == 0, piped.Output);
        Assert.Contains("[3/3] ", piped.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", piped.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("ETA", piped.StandardOutput, StringComparison.Ordinal);
        Assert.True(quiet.ExitCode == 0, quiet.Output);
        Assert.DoesNotContain("[3/3]", quiet.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("sent 3 of 3 instances", quiet.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readme_command_line_section_is_the_help_text()
    {
        var help = await Cli(["--help"]);
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "README.md"));

        var section = readme[readme.IndexOf("\n## Command line\n", StringComparison.Ordinal)..];
        var start = section.IndexOf("```text\n", StringComparison.Ordinal) + "```text\n".Length;
        var block = section[start..section.IndexOf("\n```", start, StringComparison.Ordinal)];
        Assert.True(Lines(help.StandardOutput) == Lines(block),
            "README.md, \"Command line\": the text block must be the output of `imaging-edge --help`; put this there:\n" + Lines(help.StandardOutput));
    }

    private static string Lines(string text) =>
        string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(line => line.TrimEnd())).Trim('\n');

    private static string[] Words(string typed) => typed.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static IEnumerable<Command> Ancestors(string path)
    {
        Command command = CommandTree.Create();
        foreach (var word in Words(path))
        {
            yield return command;
            command = command.Subcommands.Single(c => c.Name == word);
        }
    }

    private static IEnumerable<(string Path, Command Command)> Walk(Command command, string[] path)
    {
        yield return (string.Join(' ', path), command);
        foreach (var subcommand in command.Subcommands)
            foreach (var found in Walk(subcommand, [.. path, subcommand.Name]))
                yield return found;
    }

    /// <summary>The executable in <paramref name="workingDirectory"/>, else in a scratch folder (its default ./var is never one in use).</summary>
    private static async Task<ProcessResult> Cli(string[] arguments, string? workingDirectory = null)
    {
        using var scratch = new TemporaryDirectory();
        return await ProcessRunner.RunAsync("dotnet", [GatewayProcess.ExecutablePath, .. arguments], TimeSpan.FromSeconds(60),
            workingDirectory: workingDirectory ?? scratch.Path);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Imaging.Edge.sln")))
            directory = directory.Parent;
        Assert.True(directory is not null, "no Imaging.Edge.sln above the test binaries");
        return directory.FullName;
    }
}
