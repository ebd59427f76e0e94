using System.Text.Json;
using System.Text.Json.Nodes;
using Imaging.Edge.Gateway.Commands;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imaging.Edge.Gateway.Tests.Commands;

public sealed class CommandDispatcherTests
{
    private sealed class Echo : IGatewayCommand
    {
        public string Name => "echo";

        public Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(CommandOutcome.Success(new JsonObject { ["said"] = request.RequiredString("text") }, "echoed"));
    }

    private sealed class Broken : IGatewayCommand
    {
        public string Name => "broken";

        public Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken) =>
            throw new IOException("/var/lib/imaging-edge/studies/1.2.3/4.5.6.dcm: disk on fire");
    }

    private static CommandDispatcher Dispatcher(CommandScene scene) =>
        new([new Echo(), new Broken()], scene.Queue.Operator, scene.Authorizer(), NullLogger<CommandDispatcher>.Instance);

    private static readonly CommandCaller Tester = new CommandCaller.Local("tester", Privileged: true);

    private static CommandRequest Request(string name, string requestId, string args) =>
        CommandRequest.Create(name, requestId, JsonDocument.Parse(args).RootElement);

    [Fact]
    public async Task A_successful_command_is_audited_with_its_event_in_the_same_commit()
    {
        using var scene = new CommandScene();

        var outcome = await Dispatcher(scene).ExecuteAsync(Request("echo", "r1", """{"text": "hello"}"""), Tester, CancellationToken.None);

        Assert.True(outcome.Ok);
        Assert.Equal("hello", outcome.Result!["said"]!.GetValue<string>());
        Assert.Equal([["local:tester", "echo", "r1", "echoed"]], scene.Rows("SELECT actor, action, request_id, result FROM audit;"));
        var events = scene.Rows("SELECT type, payload FROM outbox;");
        var single = Assert.Single(events);
        Assert.Equal(QueueEvents.CommandExecuted, single[0]);
        Assert.Contains("\"requestId\":\"r1\"", single[1], StringComparison.Ordinal);
        Assert.Contains("\"ok\":true", single[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_commands_and_bad_arguments_are_answered_and_audited()
    {
        using var scene = new CommandScene();
        var dispatcher = Dispatcher(scene);

        var unknown = await dispatcher.ExecuteAsync(Request("frobnicate\u0007", "r2", "{}"), Tester, CancellationToken.None);
        var missing = await dispatcher.ExecuteAsync(Request("echo", "r3", "{}"), Tester, CancellationToken.None);
        var wrongType = await dispatcher.ExecuteAsync(Request("echo", "r4", """{"text": 5}"""), Tester, CancellationToken.None);

        Assert.Equal("unknown-command", unknown.ErrorCode);
        Assert.Contains("broken, echo", unknown.ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0007", unknown.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("bad-arguments", missing.ErrorCode);
        Assert.Equal("bad-arguments", wrongType.ErrorCode);
        Assert.Equal(["unknown-command", "echo", "echo"], scene.Rows("SELECT action FROM audit ORDER BY id;").Select(r => r[0]));
        Assert.All(scene.Rows("SELECT result FROM audit;"), r => Assert.StartsWith("error ", r[0], StringComparison.Ordinal));
        Assert.Equal(3, scene.Rows("SELECT payload FROM outbox WHERE payload LIKE '%\"ok\":false%';").Count);
    }

    [Fact]
    public async Task A_failing_command_answers_its_kind_without_the_exception_text()
    {
        using var scene = new CommandScene();

        var outcome = await Dispatcher(scene).ExecuteAsync(Request("broken", "r5", "{}"), Tester, CancellationToken.None);

        Assert.False(outcome.Ok);
        Assert.Equal("failed", outcome.ErrorCode);
        Assert.Contains("IOException", outcome.ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("1.2.3", outcome.ErrorMessage, StringComparison.Ordinal); // paths name studies
        Assert.DoesNotContain("1.2.3", scene.Rows("SELECT result FROM audit;")[0][0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_without_id_or_args_gets_a_fresh_id_and_empty_args()
    {
        var first = CommandRequest.Create("ping", null, null);
        var second = CommandRequest.Create("ping", "  ", null);

        Assert.Matches("^[0-9a-f]{32}$", first.RequestId);
        Assert.NotEqual(first.RequestId, second.RequestId);
        Assert.Equal(JsonValueKind.Object, first.Args.ValueKind);
        Assert.False(first.OptionalBool("cloud"));
        Assert.Null(first.OptionalInt64("limit"));
    }

    [Theory]
    [InlineData("""{"cloud": true}""", true)]
    [InlineData("""{"cloud": "false"}""", false)]
    public void Boolean_arguments_accept_json_and_text(string args, bool expected) =>
        Assert.Equal(expected, Request("x", "r", args).OptionalBool("cloud"));

    [Fact]
    public void A_boolean_argument_of_another_kind_is_a_bad_argument()
    {
        var error = Assert.Throws<CommandException>(() => Request("x", "r", """{"cloud": "maybe"}""").OptionalBool("cloud"));
        Assert.Equal("bad-arguments", error.Code);
    }
}
