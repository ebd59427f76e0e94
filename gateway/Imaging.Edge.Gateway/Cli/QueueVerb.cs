using System.CommandLine;
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
    public const string RetryAction = "retry-failed";

    private static readonly string[] AllStates = [InstanceStates.Pending, InstanceStates.Uploading, InstanceStates.Failed, InstanceStates.Uploaded, InstanceStates.Evicted];
    private static readonly string[] DefaultStates = [InstanceStates.Pending, InstanceStates.Uploading, InstanceStates.Failed];

    public static Command Create()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var command = new Command("queue",
            "The durable queue on this box, read beside the running service (never created, never migrated): what waits, " +
            "what failed and why, and putting failed instances back. Shows UIDs and study pseudonyms, never patient data. " +
            "Exit 1 when there is no queue (has the gateway run?).")
        {
            config,
            json,
            ListCommand(config, json),
            ShowCommand(config, json),
            RetryCommand(config, json),
        };
        return command;
    }

    private static Command ListCommand(Option<string?> config, Option<bool> json)
    {
        var state = new Option<string?>("--state")
        {
            Description = "Which states, comma-separated: pending, uploading, failed, uploaded, evicted, or all (default: pending,uploading,failed).",
            HelpName = "STATES",
        };
        var command = new Command("list", "The queue grouped by study pseudonym, with counts, bytes waiting and the oldest age.") { state };
        command.SetAction(parse =>
        {
            // Check the whole command line before touching the configuration or the disk.
            var action = List(ParseStates(parse.GetValue(state)), parse.GetValue(json));
            return QueueAccess.WithQueueAsync(parse.GetValue(config), (_, queue) => action(queue));
        });
        return command;
    }

    private static Command ShowCommand(Option<string?> config, Option<bool> json)
    {
        var key = new Argument<string>("ID|SOP_INSTANCE_UID") { Description = "A queue id (from list), or a SOP Instance UID (every stored version)." };
        var command = new Command("show", "Every field of one queued instance. Exit 1 when it is not in the queue.") { key };
        command.SetAction(parse =>
        {
            var action = Show(parse.GetRequiredValue(key), parse.GetValue(json));
            return QueueAccess.WithQueueAsync(parse.GetValue(config), (_, queue) => action(queue));
        });
        return command;
    }

    private static Command RetryCommand(Option<string?> config, Option<bool> json)
    {
        var id = new Argument<string?>("ID") { Description = "The queue id of one failed instance.", Arity = ArgumentArity.ZeroOrOne };
        var allFailed = new Option<bool>("--all-failed") { Description = "Every failed instance instead of one ID." };
        var command = new Command("retry",
            "Put failed instances back to pending so that they upload again (audited). Exit 1 when nothing was failed.") { id, allFailed };
        command.SetAction(parse =>
        {
            var action = Retry(parse.GetValue(id), parse.GetValue(allFailed), parse.GetValue(json));
            return QueueAccess.WithQueueAsync(parse.GetValue(config), (_, queue) => action(queue));
        });
        return command;
    }

    private static Func<QueueStores, int> List(string[] states, bool json) => queue =>
    {
        var instances = queue.Queries.List(states);
        var stats = queue.Queries.Stats();
        var now = DateTimeOffset.UtcNow;
        if (json) WriteJson(stream => QueueJson.WriteList(stream, instances, stats, now));
        else QueueTable.WriteList(Console.Out, instances, stats, now);
        return ExitCodes.Success;
    };

    private static Func<QueueStores, int> Show(string key, bool json)
    {
        var id = ParseId(key);
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

    private static Func<QueueStores, int> Retry(string? operand, bool all, bool json)
    {
        if (all == (operand is not null))
            throw new UsageException("retry takes one ID or --all-failed");
        long? id = all ? null : ParseId(operand!) ?? throw new UsageException($"retry: not an instance id: '{operand}'");
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

    private static void WriteJson(Action<Stream> write)
    {
        Console.Out.Flush();
        using var stdout = Console.OpenStandardOutput();
        write(stdout);
        stdout.Flush();
    }
}
