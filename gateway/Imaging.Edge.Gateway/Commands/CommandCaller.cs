namespace Imaging.Edge.Gateway.Commands;

/// <summary>Who gives a command, as far as the transport it came by can tell; <see cref="CommandAuthorizer"/> decides from it.</summary>
internal abstract record CommandCaller
{
    private CommandCaller()
    {
    }

    /// <summary>
    /// A user on the box, named by the kernel (SO_PEERCRED on the control socket). <paramref name="Privileged"/>: root
    /// or the user the gateway runs as; anyone else got in as a member of the socket's group.
    /// </summary>
    public sealed record Local(string User, bool Privileged) : CommandCaller;

    /// <summary>
    /// An MQTT publisher. The broker does not tell a subscriber who published, so <paramref name="Claimed"/> (client
    /// id, user name) is only what the request says; <paramref name="Signature"/>, when given, is what can be verified.
    /// </summary>
    public sealed record Mqtt(string Claimed, CommandSignature? Signature) : CommandCaller;
}
