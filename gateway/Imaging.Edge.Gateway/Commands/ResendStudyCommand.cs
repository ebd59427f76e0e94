using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Imaging.Edge.Gateway.Queue;

namespace Imaging.Edge.Gateway.Commands;

/// <summary>
/// <c>resend-study</c> with <c>study</c> = the study's pseudonym (as in events and status): uploads every instance the
/// box still holds and the manifest again, e.g. after objects were lost or removed on the cloud side.
/// </summary>
internal sealed partial class ResendStudyCommand(OperatorActions actions) : IGatewayCommand
{
    public string Name => "resend-study";

    public bool Destructive => false;

    public Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var study = request.RequiredString("study");
        if (!Pseudonym().IsMatch(study))
            throw CommandException.BadArguments("argument 'study' must be a study pseudonym (32 lower-case hex digits)");
        if (actions.ResendStudy(study) is not { } instances)
            throw CommandException.BadArguments($"no study {study} on this gateway");
        return Task.FromResult(CommandOutcome.Success(new JsonObject { ["study"] = study, ["instances"] = instances },
            string.Create(CultureInfo.InvariantCulture, $"study {study}: {instances} instances requeued")));
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex Pseudonym();
}
