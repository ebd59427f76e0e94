namespace Imaging.Edge.Gateway.Commands;

/// <summary>
/// <c>reload-profiles</c>: re-reads the serial device profiles. This build has no serial intake yet
/// (Imaging.Edge.Devices), so the command answers <c>unavailable</c> instead of pretending to succeed.
/// </summary>
internal sealed class ReloadProfilesCommand : IGatewayCommand
{
    public string Name => "reload-profiles";

    public bool Destructive => false;

    public Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken) =>
        throw CommandException.Unavailable("this gateway has no serial intake; there are no device profiles to reload");
}
