using System.Globalization;
using Imaging.Edge.Gateway.Configuration;

namespace Imaging.Edge.Gateway.Commands;

/// <summary>What <see cref="CommandAuthorizer"/> decided: the actor the audit records, and a refusal or null.</summary>
internal readonly record struct CommandAuthorization(string Actor, CommandOutcome? Refusal);

/// <summary>
/// The one place that decides who may give a command, for MQTT and the control socket alike (docs/telemetry.md, "Who
/// may give a command"). Destructive commands (<see cref="IGatewayCommand.Destructive"/>): on the control socket only
/// root and the service user; over MQTT off unless <c>Mqtt:Commands:AllowDestructive</c>, and then only signed by a
/// configured operator key, within the clock-skew window, with a request id never used before. Other commands: any
/// member of the socket's group; over MQTT anyone the broker lets publish, signed or not — but a signature that is
/// given must verify (a bad one is refused, never ignored). The actor is what was verified: <c>local:{user}</c> from
/// the kernel, <c>mqtt:signed:{key name}</c>, or <c>mqtt:unverified (claimed ...)</c>. Does not throw for a request.
/// </summary>
internal sealed class CommandAuthorizer
{
    private readonly GatewayOptions _gateway;
    private readonly MqttCommandOptions _options;
    private readonly OperatorKeys _keys;
    private readonly CommandReplayStore _replays;
    private readonly TimeProvider _clock;

    public CommandAuthorizer(EdgeConfiguration configuration, CommandReplayStore replays, TimeProvider clock)
    {
        _gateway = configuration.Gateway;
        _options = configuration.Mqtt.Commands;
        _keys = OperatorKeys.Load(_options.Operators);
        _replays = replays;
        _clock = clock;
    }

    /// <param name="command">The command asked for; null if there is none by that name (then only the actor is decided).</param>
    public CommandAuthorization Authorize(IGatewayCommand? command, CommandRequest request, CommandCaller caller) => caller switch
    {
        CommandCaller.Local local => AuthorizeLocal(command, local),
        CommandCaller.Mqtt mqtt => AuthorizeMqtt(command, request, mqtt),
        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller.GetType().Name, "no rule for this kind of caller"),
    };

    private CommandAuthorization AuthorizeLocal(IGatewayCommand? command, CommandCaller.Local local)
    {
        var actor = "local:" + local.User;
        if (command is { Destructive: true } && !local.Privileged)
            return Refuse(actor, $"{command.Name} may be given on the control socket only by root or the user the gateway runs as; other members of its group may give the commands that destroy nothing");
        return new(actor, null);
    }

    private CommandAuthorization AuthorizeMqtt(IGatewayCommand? command, CommandRequest request, CommandCaller.Mqtt mqtt)
    {
        var unverified = $"mqtt:unverified (claimed {mqtt.Claimed})";
        if (command is null) return new(unverified, null);
        if (command.Destructive && !_options.AllowDestructive)
            return Refuse(unverified, $"{command.Name} is off over MQTT (Mqtt:Commands:AllowDestructive is false); on the box use imaging-edge {command.Name}");
        if (mqtt.Signature is not { } signature)
            return command.Destructive
                ? Refuse(unverified, $"{command.Name} needs a request signed by an operator key (docs/telemetry.md, \"Signed commands\")")
                : new(unverified, null);
        return Verify(command, request, signature) is { } problem
            ? Refuse(unverified, problem)
            : new($"mqtt:signed:{signature.Operator}", null);
    }

    /// <summary>Null if the signature is good; otherwise why not. The request id is remembered only once all else verified.</summary>
    private string? Verify(IGatewayCommand command, CommandRequest request, CommandSignature signature)
    {
        if (_keys.Find(signature.Operator) is not { } key)
            return $"unknown operator key '{CommandDispatcher.Printable(signature.Operator)}'";
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - signature.Timestamp) > _options.MaxClockSkewSeconds)
            return string.Create(CultureInfo.InvariantCulture,
                $"timestamp {signature.Timestamp} is more than {_options.MaxClockSkewSeconds} s from the gateway's clock ({now}); check both clocks (NTP)");
        byte[] data;
        try
        {
            data = SignedCommandCanonical.Encode(_gateway.SiteId, _gateway.GatewayId, command.Name, request.RequestId, signature.Timestamp, signature.Operator, request.Args);
        }
        catch (FormatException e)
        {
            return $"the arguments cannot be signed: {e.Message}";
        }
        var bytes = new byte[64];
        if (!Convert.TryFromBase64String(signature.Signature, bytes, out var length) || length != 64 || !OperatorKeys.Verify(key, data, bytes))
            return $"the signature does not verify for key '{signature.Operator}' over site, gateway, command, request id, timestamp, operator and arguments";
        return _replays.TryRemember(request.RequestId, signature.Timestamp + _options.MaxClockSkewSeconds, now) switch
        {
            CommandReplayStore.Result.Fresh => null,
            CommandReplayStore.Result.Seen => $"request id '{request.RequestId}' was already used; sign each request with a new id",
            _ => $"more than {CommandReplayStore.MaxRemembered} signed requests within the window; try again later",
        };
    }

    private static CommandAuthorization Refuse(string actor, string reason) => new(actor, CommandOutcome.Failure("forbidden", reason));
}
