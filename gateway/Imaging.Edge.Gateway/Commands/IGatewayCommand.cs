namespace Imaging.Edge.Gateway.Commands;

/// <summary>
/// A command an operator can give the running gateway, over MQTT (<c>{prefix}/cmd/{Name}</c>) or the local control
/// socket. Implementations are registered in DI as <see cref="IGatewayCommand"/>; <see cref="CommandDispatcher"/>
/// finds them by name, audits every call and answers errors. They validate their own arguments and throw
/// <see cref="CommandException"/> (code <c>bad-arguments</c>) for bad ones.
/// </summary>
internal interface IGatewayCommand
{
    /// <summary>The command's name on the wire, lower-case with dashes: <c>retry-failed</c>.</summary>
    string Name { get; }

    Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken);
}
