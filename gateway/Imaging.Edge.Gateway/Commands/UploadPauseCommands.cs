using System.Text.Json.Nodes;
using Imaging.Edge.Gateway.Upload;

namespace Imaging.Edge.Gateway.Commands;

/// <summary><c>pause-uploads</c>: no new upload starts (those under way finish); receiving goes on.</summary>
internal sealed class PauseUploadsCommand(UploadPause pause) : IGatewayCommand
{
    public string Name => "pause-uploads";

    /// <summary>Nothing is lost while paused (receiving goes on, the disk reserve still protects intake) and resume undoes it.</summary>
    public bool Destructive => false;

    public Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(Answer(pause.Set(true), true));

    internal static CommandOutcome Answer(bool changed, bool paused) =>
        CommandOutcome.Success(new JsonObject { ["paused"] = paused, ["changed"] = changed },
            (paused ? "paused" : "resumed") + (changed ? "" : " (already)"));
}

/// <summary><c>resume-uploads</c>: undoes <c>pause-uploads</c>.</summary>
internal sealed class ResumeUploadsCommand(UploadPause pause) : IGatewayCommand
{
    public string Name => "resume-uploads";

    public bool Destructive => false;

    public Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(PauseUploadsCommand.Answer(pause.Set(false), false));
}
