namespace Imaging.Edge.Gateway.Commands;

/// <summary>
/// A command an operator can give the running gateway, over MQTT (<c>{prefix}/cmd/{Name}</c>) or the local control
/// socket. Implementations are registered in DI as <see cref="IGatewayCommand"/>; <see cref="CommandDispatcher"/>
/// finds them by name, has <see cref="CommandAuthorizer"/> decide who may give them, audits every call and answers
/// errors. They validate their own arguments and throw <see cref="CommandException"/> (code <c>bad-arguments</c>) for
/// bad ones.
/// </summary>
internal interface IGatewayCommand
{
    /// <summary>The command's name on the wire, lower-case with dashes: <c>retry-failed</c>.</summary>
    string Name { get; }

    /// <summary>
    /// True for a command that destroys what cannot be had back (patient data): over MQTT it is off unless enabled and
    /// then needs a signed request; on the control socket only root and the service user may give it. True unless a
    /// command says otherwise, so that a new command nobody classified is treated as the dangerous kind.
    /// </summary>
    bool Destructive => true;

    Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken);
}
