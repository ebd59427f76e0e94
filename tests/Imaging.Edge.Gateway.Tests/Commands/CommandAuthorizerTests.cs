using System.Runtime.CompilerServices;
using System.Text.Json;
using Imaging.Edge.Gateway.Commands;
using Microsoft.Extensions.Time.Testing;
using static Imaging.Edge.Gateway.Tests.Commands.SignedCommandCanonicalTests;

namespace Imaging.Edge.Gateway.Tests.Commands;

/// <summary>Who may give which command, over MQTT and the control socket (the example request of docs/telemetry.md).</summary>
public sealed class CommandAuthorizerTests
{
    private const long SignedAt = 1767225600;

    private sealed class Erase : IGatewayCommand
    {
        public string Name => "erase-patient";

        public Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class Pause : IGatewayCommand
    {
        public string Name => "pause-uploads";

        public bool Destructive => false;

        public Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static readonly Dictionary<string, string> Enabled = new()
    {
        ["Gateway:SiteId"] = "hk-central",
        ["Gateway:GatewayId"] = "ct-room-2",
        ["Mqtt:Commands:AllowDestructive"] = "true",
        ["Mqtt:Commands:Operators:0:Name"] = "alice",
        ["Mqtt:Commands:Operators:0:PublicKey"] = AlicePublicKey,
    };

    private static CommandRequest ExampleRequest(string args = """{"patientId": "PAT-4711", "cloud": true}""") =>
        CommandRequest.Create("erase-patient", "7f3c9a10e2b54d6f", JsonDocument.Parse(args).RootElement.Clone());

    private static CommandCaller.Mqtt Signed(string signature = OpensslSignature, string name = "alice", long timestamp = SignedAt) =>
        new("ops-1/alice", new CommandSignature(name, timestamp, signature));

    private static FakeTimeProvider ClockAt(long unixSeconds) => new(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

    [Fact]
    public void Destructive_commands_are_off_over_mqtt_by_default_signed_or_not_while_the_others_run_unsigned_and_say_so()
    {
        using var scene = new CommandScene();
        var authorizer = scene.Authorizer(clock: ClockAt(SignedAt));

        var unsigned = authorizer.Authorize(new Erase(), ExampleRequest(), new CommandCaller.Mqtt("ops-1/alice", null));
        var signed = authorizer.Authorize(new Erase(), ExampleRequest(), Signed());
        var pause = authorizer.Authorize(new Pause(), ExampleRequest(), new CommandCaller.Mqtt("ops-1/alice", null));

        Assert.Equal("forbidden", unsigned.Refusal?.ErrorCode);
        Assert.Contains("Mqtt:Commands:AllowDestructive", signed.Refusal?.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("mqtt:unverified (claimed ops-1/alice)", unsigned.Actor);
        Assert.Equal(new CommandAuthorization("mqtt:unverified (claimed ops-1/alice)", null), pause);
    }

    [Fact]
    public void A_verified_signature_names_its_key_once_and_its_request_id_cannot_be_used_again()
    {
        using var scene = new CommandScene();
        var clock = ClockAt(SignedAt + 120);
        var authorizer = scene.Authorizer(Enabled, clock);

        var first = authorizer.Authorize(new Erase(), ExampleRequest(), Signed());
        var again = authorizer.Authorize(new Erase(), ExampleRequest(), Signed(WebCryptoSignature));
        var afterRestart = scene.Authorizer(Enabled, clock).Authorize(new Erase(), ExampleRequest(), Signed());
        clock.Advance(TimeSpan.FromSeconds(181)); // SignedAt + 301: out of the window, and forgotten
        var late = authorizer.Authorize(new Erase(), ExampleRequest(), Signed());

        Assert.Equal(new CommandAuthorization("mqtt:signed:alice", null), first);
        Assert.Contains("already used", again.Refusal?.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("already used", afterRestart.Refusal?.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("timestamp", late.Refusal?.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("mqtt:unverified (claimed ops-1/alice)", again.Actor);
    }

    [Fact]
    public void The_replay_store_forgets_an_id_only_after_its_window()
    {
        using var scene = new CommandScene();
        var store = new CommandReplayStore(scene.Queue.Writer);

        Assert.Equal(CommandReplayStore.Result.Fresh, store.TryRemember("a", expiresAt: 100, now: 0));
        Assert.Equal(CommandReplayStore.Result.Seen, store.TryRemember("a", expiresAt: 150, now: 100));
        Assert.Equal(CommandReplayStore.Result.Fresh, store.TryRemember("b", expiresAt: 300, now: 101));

        Assert.Equal([["b"]], scene.Rows("SELECT request_id FROM command_request_ids;"));
    }

    [Fact]
    public void Unsigned_tampered_unknown_and_mistimed_requests_are_refused_and_a_bad_signature_is_never_downgraded()
    {
        using var scene = new CommandScene();
        var authorizer = scene.Authorizer(Enabled, ClockAt(SignedAt - 299));

        Assert.Contains("needs a request signed", authorizer.Authorize(new Erase(), ExampleRequest(), new CommandCaller.Mqtt("x", null)).Refusal?.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("does not verify", authorizer.Authorize(new Erase(), ExampleRequest("""{"patientId": "PAT-0815", "cloud": true}"""), Signed()).Refusal?.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("does not verify", authorizer.Authorize(new Erase(), ExampleRequest(), Signed("not base64!")).Refusal?.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("unknown operator key 'mallory'", authorizer.Authorize(new Erase(), ExampleRequest(), Signed(name: "mallory")).Refusal?.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("timestamp", authorizer.Authorize(new Erase(), ExampleRequest(), Signed(timestamp: SignedAt + 2)).Refusal?.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("does not verify", authorizer.Authorize(new Pause(), ExampleRequest(), Signed()).Refusal?.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(scene.Rows("SELECT request_id FROM command_request_ids;"));
        Assert.Null(authorizer.Authorize(new Erase(), ExampleRequest(), Signed()).Refusal); // 299 s early is within the window
    }

    [Fact]
    public void On_the_control_socket_only_root_and_the_service_user_may_give_destructive_commands()
    {
        using var scene = new CommandScene();
        var authorizer = scene.Authorizer();

        var member = authorizer.Authorize(new Erase(), ExampleRequest(), new CommandCaller.Local("engineer", Privileged: false));
        var memberPause = authorizer.Authorize(new Pause(), ExampleRequest(), new CommandCaller.Local("engineer", Privileged: false));
        var root = authorizer.Authorize(new Erase(), ExampleRequest(), new CommandCaller.Local("root", Privileged: true));

        Assert.Equal("forbidden", member.Refusal?.ErrorCode);
        Assert.Equal("local:engineer", member.Actor);
        Assert.Equal(new CommandAuthorization("local:engineer", null), memberPause);
        Assert.Equal(new CommandAuthorization("local:root", null), root);
    }

    /// <summary>A command is destructive unless it says otherwise; this list is the decision, made once per command.</summary>
    [Fact]
    public void Erase_patient_is_the_one_destructive_command_and_a_new_command_is_destructive_until_classified()
    {
        var commands = typeof(IGatewayCommand).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IGatewayCommand).IsAssignableFrom(t))
            .Select(t => (IGatewayCommand)RuntimeHelpers.GetUninitializedObject(t))
            .ToDictionary(c => c.Name, c => c.Destructive);

        Assert.Equal(new Dictionary<string, bool>
        {
            ["erase-patient"] = true,
            ["ping"] = false, ["status"] = false, ["retry-failed"] = false, ["pause-uploads"] = false,
            ["resume-uploads"] = false, ["resend-study"] = false, ["reload-profiles"] = false,
        }, commands);
        Assert.True(((IGatewayCommand)new Erase()).Destructive);
    }
}
