using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Imaging.Edge.Gateway.Cli.Doctor;

/// <summary>
/// The checklist as a person reads it (<c>✓</c> ok, <c>✗</c> failed, <c>!</c> a warning or not applicable, then the
/// fix) or as support reads it remotely: JSON <c>{ schemaVersion: 1, checks: [{ name, result: ok|fail|warn|skip,
/// detail, hint }], summary }</c>.
/// </summary>
internal static class DoctorReport
{
    public const int SchemaVersion = 1;

    public static void WriteText(IReadOnlyList<CheckResult> checks, TextWriter output)
    {
        foreach (var check in checks)
        {
            var symbol = check.Outcome switch
            {
                CheckOutcome.Ok => "✓",
                CheckOutcome.Fail => "✗",
                _ => "!",
            };
            var hint = check.Outcome != CheckOutcome.Ok && check.Hint.Length > 0 ? $" — {check.Hint}" : "";
            output.WriteLine($"{symbol} {check.Name}: {check.Detail}{hint}");
        }
        output.WriteLine(Summary(checks));
    }

    public static void WriteJson(IReadOnlyList<CheckResult> checks, TextWriter output)
    {
        var array = new JsonArray();
        foreach (var check in checks)
        {
            array.Add(new JsonObject
            {
                ["name"] = check.Name,
                ["result"] = check.Outcome.ToString().ToLowerInvariant(),
                ["detail"] = check.Detail,
                ["hint"] = check.Hint,
            });
        }
        var document = new JsonObject
        {
            ["schemaVersion"] = SchemaVersion,
            ["checks"] = array,
            ["summary"] = Summary(checks),
        };
        output.WriteLine(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static string Summary(IReadOnlyList<CheckResult> checks) => string.Create(CultureInfo.InvariantCulture,
        $"doctor: {checks.Count(c => c.Outcome == CheckOutcome.Ok)} ok, {checks.Count(c => c.Outcome == CheckOutcome.Fail)} failed, " +
        $"{checks.Count(c => c.Outcome == CheckOutcome.Warn)} warnings, {checks.Count(c => c.Outcome == CheckOutcome.Skip)} not applicable");
}
