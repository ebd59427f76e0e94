using System.Globalization;
using System.Text.Json.Nodes;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>The running gateway's status (the <c>status</c> command's JSON) in lines a field engineer reads.</summary>
internal static class LiveStatusText
{
    public static void Print(JsonObject s, TextWriter output)
    {
        string Text(JsonNode? node) => node?.ToString() ?? "-";
        long Number(JsonNode? node) => node?.GetValue<long>() ?? 0;
        var queue = s["queue"]!;
        var upload = s["upload"]!;
        var receive = s["receive"]!;
        var disk = s["disk"]!;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"site {Text(s["site"])}, gateway {Text(s["gateway"])}: {Text(s["state"]).ToUpperInvariant()} (version {Text(s["version"])}, up {Number(s["uptimeSeconds"])} s)"));
        foreach (var reason in s["reasons"]!.AsArray())
            output.WriteLine($"  ! {reason}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"queue    {Number(queue["pending"])} pending, {Number(queue["uploading"])} uploading, {Number(queue["failed"])} failed, {Number(queue["uploaded"])} uploaded, {Number(queue["evicted"])} evicted; {Number(queue["bytesPending"]) / 1e6:F1} MB to upload; oldest waiting {(queue["oldestPendingAgeSeconds"] is { } age ? age + " s" : "-")}"));
        var circuits = string.Join(", ", upload["circuits"]!.AsObject().Select(c => $"{c.Key} {c.Value}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"upload   {(upload["paused"]!.GetValue<bool>() ? "PAUSED, " : "")}{Number(upload["bytesPerSecond"]) / 1e6:F2} MB/s to {Text(upload["endpoint"])}; last success {Text(upload["lastSuccess"])}; circuits: {circuits}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"receive  {Number(receive["activeAssociations"])} associations open, {Number(receive["instancesToday"])} instances today (UTC)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"disk     {Number(disk["freeBytes"]) / 1e9:F1} GB free ({Text(disk["usedPercent"])}% used, high water {Text(disk["highWaterPercent"])}%), reserve {Number(disk["reserveBytes"]) / 1e6:F0} MB{(disk["belowReserve"]!.GetValue<bool>() ? ": BELOW RESERVE, new instances are refused" : "")}"));
    }
}
