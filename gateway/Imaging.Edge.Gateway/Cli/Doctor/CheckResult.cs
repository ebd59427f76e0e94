namespace Imaging.Edge.Gateway.Cli.Doctor;

/// <summary>How one check came out; <see cref="Fail"/> makes doctor exit 1.</summary>
internal enum CheckOutcome
{
    Ok,
    Fail,
    Warn,
    Skip,
}

/// <summary>
/// One line of the checklist: a stable <paramref name="Name"/> (support scripts key on it), what was found, and what to
/// do about it. Never a secret, never patient data: details name configuration keys, files, hosts and figures only.
/// </summary>
internal sealed record CheckResult(string Name, CheckOutcome Outcome, string Detail, string Hint = "")
{
    public static CheckResult Ok(string name, string detail) => new(name, CheckOutcome.Ok, detail);

    public static CheckResult Fail(string name, string detail, string hint) => new(name, CheckOutcome.Fail, detail, hint);

    public static CheckResult Warn(string name, string detail, string hint) => new(name, CheckOutcome.Warn, detail, hint);

    public static CheckResult Skip(string name, string detail) => new(name, CheckOutcome.Skip, detail);
}
