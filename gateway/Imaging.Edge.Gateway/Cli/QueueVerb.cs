using System.Globalization;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>
/// <c>imaging-edge queue list|show|retry</c>: the field engineer's view of the durable queue on the box.
/// It opens the queue the service uses (same configuration file and <c>IMAGING_EDGE__</c> overrides), beside the
/// running service (WAL); it never creates the data folder or the database and never migrates it. Prints UIDs and
/// study pseudonyms, never patient data.
/// </summary>
internal static class QueueVerb
{
    public const string UsageText =
        "usage: imaging-edge queue [--config FILE] [--json] list [--state pending|uploading|failed|uploaded|evicted|all] | show ID|SOP_INSTANCE_UID | retry ID|--all-failed";

    public const string RetryAction = "retry-failed";

    private static readonly string[] AllStates = [InstanceStates.Pending, InstanceStates.Uploading, InstanceStates.Failed, InstanceStates.Uploaded, InstanceStates.Evicted];
    private static readonly string[] DefaultStates = [InstanceStates.Pending, InstanceStates.Uploading, InstanceStates.Failed];

    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args)
    {
        var arguments = Arguments.Parse(args, valued: new HashSet<string> { "config", "state" }, flags: new HashSet<string> { "json", "all-failed" });
        if (arguments.Positional.Count == 0)
            throw new UsageException(UsageText);
        var subcommand = arguments.Positional[0];
        var operands = arguments.Positional.Skip(1).ToList();
        // Check the whole command line before touching the configuration or the disk.
        Func<QueueStores, int> action = subcommand switch
        {
            "list" => ParseList(arguments, operands),
            "show" => ParseShow(arguments, operands),
            "retry" => ParseRetry(arguments, operands),
            _ => throw new UsageException($"unknown queue command '{subcommand}' (list, show, retry)"),
        };

        return await QueueAccess.WithQueueAsync(arguments.Option("config"), (_, queue) => action(queue));
    }

    private static Func<QueueStores, int> ParseList(Arguments arguments, List<string> operands)
    {
        Reject(arguments, "list", "all-failed");
        if (operands.Count > 0)
            throw new UsageException($"list takes no arguments (got '{operands[0]}')");
        var states = ParseStates(arguments.Option("state"));
        var json = arguments.Flag("json");
        return queue =>
        {
            var instances = queue.Queries.List(states);
            var stats = queue.Queries.Stats();
            var now = DateTimeOffset.UtcNow;
            if (json) WriteJson(stream => QueueJson.WriteList(stream, instances, stats, now));
            else QueueTable.WriteList(Console.Out, instances, stats, now);
            return ExitCodes.Success;
        };
    }

    private static Func<QueueStores, int> ParseShow(Arguments arguments, List<string> operands)
    {
        Reject(arguments, "show", "state", "all-failed");
        if (operands.Count != 1)
            throw new UsageException("usage: imaging-edge queue show ID|SOP_INSTANCE_UID [--json]");
        var key = operands[0];
        var id = ParseId(key);
        var json = arguments.Flag("json");
        return queue =>
        {
            IReadOnlyList<QueuedInstance> found = id is { } byId
                ? queue.Queries.Find(byId) is { } row ? [row] : []
                : queue.Queries.FindBySopInstanceUid(key);
            if (found.Count == 0)
            {
                Console.Error.WriteLine(id is null ? $"no instance with SOP Instance UID {key} in the queue" : $"no instance with id {key} in the queue");
                return ExitCodes.Failure;
            }
            if (json)
            {
                WriteJson(stream => QueueJson.WriteShow(stream, found));
                return ExitCodes.Success;
            }
            for (var i = 0; i < found.Count; i++)
            {
                if (i > 0) Console.WriteLine();
                QueueTable.WriteInstance(Console.Out, found[i]);
            }
            return ExitCodes.Success;
        };
    }

    private static Func<QueueStores, int> ParseRetry(Arguments arguments, List<string> operands)
    {
        Reject(arguments, "retry", "state");
        var all = arguments.Flag("all-failed");
        if (all == (operands.Count == 1) || operands.Count > 1)
            throw new UsageException("usage: imaging-edge queue retry ID|--all-failed [--json]");
        long? id = all ? null : ParseId(operands[0]) ?? throw new UsageException($"retry: not an instance id: '{operands[0]}'");
        var json = arguments.Flag("json");
        return queue =>
        {
            var requestId = Guid.NewGuid().ToString();
            var retried = queue.Operator.RetryFailed(id);
            var result = retried.Count == 0 ? "nothing to retry" : $"ok: {QueueTable.Plural(retried.Count, "instance")}";
            queue.Operator.Audit("local:" + Environment.UserName, RetryAction, requestId, result);
            if (json)
                WriteJson(stream => QueueJson.WriteRetry(stream, requestId, retried, result));
            else if (retried.Count > 0)
                Console.WriteLine($"back to pending: {QueueTable.Plural(retried.Count, "instance")} (id {string.Join(", ", retried.Select(r => r.ToString(CultureInfo.InvariantCulture)))}); request {requestId}");
            if (retried.Count == 0)
                Console.Error.WriteLine(WhyNothing(queue, id));
            return retried.Count > 0 ? ExitCodes.Success : ExitCodes.Failure;
        };
    }

    private static string WhyNothing(QueueStores queue, long? id) => id switch
    {
        null => "nothing to retry: no failed instances",
        { } one when queue.Queries.Find(one) is { } row => $"nothing to retry: instance {one} is {row.State}, not failed",
        { } one => $"nothing to retry: no instance with id {one} in the queue",
    };

    private static string[] ParseStates(string? value)
    {
        if (value is null) return DefaultStates;
        var states = new List<string>();
        foreach (var state in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (state == "all") return AllStates;
            if (!AllStates.Contains(state))
                throw new UsageException($"--state: unknown state '{state}' (pending, uploading, failed, uploaded, evicted, all)");
            if (!states.Contains(state)) states.Add(state);
        }
        return states.Count > 0 ? [.. states] : throw new UsageException("--state needs a value (pending, uploading, failed, uploaded, evicted, all)");
    }

    /// <summary>An instance id is a positive decimal number; anything else (a UID has dots) is not.</summary>
    private static long? ParseId(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    private static void Reject(Arguments arguments, string subcommand, params string[] options)
    {
        foreach (var option in options)
            if (arguments.Flag(option))
                throw new UsageException($"--{option} does not apply to queue {subcommand}");
    }

    private static void WriteJson(Action<Stream> write)
    {
        Console.Out.Flush();
        using var stdout = Console.OpenStandardOutput();
        write(stdout);
        stdout.Flush();
    }
}
