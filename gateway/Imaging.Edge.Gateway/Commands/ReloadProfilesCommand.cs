using System.Globalization;
using System.Text.Json.Nodes;
using Imaging.Edge.Gateway.Serial;

namespace Imaging.Edge.Gateway.Commands;

/// <summary>
/// <c>reload-profiles</c>: re-reads the configuration's <c>Serial</c> section and the hardware profiles, and restarts
/// only the device listeners that changed. A profile with errors is rejected (every error in the answer, with its JSON
/// path) and the device's running listener keeps going. Not destructive: it changes how data is received, not data.
/// </summary>
internal sealed class ReloadProfilesCommand(SerialDevices devices) : IGatewayCommand
{
    public string Name => "reload-profiles";

    public bool Destructive => false;

    public async Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var reload = await devices.ReloadAsync();
        var result = new JsonObject
        {
            ["started"] = reload.Started,
            ["stopped"] = reload.Stopped,
            ["unchanged"] = reload.Unchanged,
            ["rejected"] = new JsonArray([.. reload.Rejected.Select(r => (JsonNode)JsonValue.Create(r)!)]),
        };
        if (reload.Rejected.Count > 0)
            return new CommandOutcome(false, result, "rejected", string.Join("; ", reload.Rejected.Take(20)),
                string.Create(CultureInfo.InvariantCulture, $"rejected: {reload.Rejected.Count} errors; {reload.Started} started, {reload.Stopped} stopped"));
        return CommandOutcome.Success(result,
            string.Create(CultureInfo.InvariantCulture, $"{reload.Started} started, {reload.Stopped} stopped, {reload.Unchanged} unchanged"));
    }
}
