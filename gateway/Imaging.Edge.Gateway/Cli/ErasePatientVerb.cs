using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Imaging.Edge.CloudSync.Keys;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.CloudSync.Throttling;
using Imaging.Edge.Gateway.Configuration;
using Imaging.Edge.Gateway.Erasure;
using Imaging.Edge.Gateway.Hosting;
using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Gateway.Upload;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.Gateway.Cli;

/// <summary>
/// <c>imaging-edge erase-patient --patient-id ID [--issuer X [--issuer-optional]] [--cloud] [--dry-run] [--force-placeholder]
/// [--config FILE] [--json]</c>: the eraser run in this process against the configured data folder and buckets, audited
/// as <c>local:{user}</c>. Works beside a running gateway (the rows it claims are never uploaded again) and with it
/// stopped (then files no row names in an erased study's folder go too). A file store inside the data folder is erased
/// without <c>--cloud</c> (its copies are on the box). A placeholder-like ID is refused unless forced; <c>--dry-run</c>
/// reports what would be erased and changes nothing (no audit row). Prints what was deleted where — never the patient
/// ID, only its keyed hash. Exit 0: erased (or, dry run, something matched); 1: nothing matched (still audited), or
/// objects could not be deleted; 2: bad arguments (a placeholder ID not forced included) or configuration.
/// </summary>
internal static class ErasePatientVerb
{
    public const string Name = "erase-patient";

    private sealed record Options(string PatientId, string? Issuer, bool IssuerOptional, bool Cloud, bool DryRun, bool ForcePlaceholder, string? ConfigFile, bool Json);

    public static Command Create()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var patientId = new Option<string>("--patient-id")
        {
            Description = "The patient's ID (0010,0020), exactly as the devices send it. Never printed or logged.",
            HelpName = "ID",
            Required = true,
        };
        var issuer = new Option<string?>("--issuer")
        {
            Description = "Only instances with this issuer of patient ID (0010,0021), matched exactly. Without it: every issuer.",
            HelpName = "ISSUER",
        };
        var issuerOptional = new Option<bool>("--issuer-optional") { Description = "With --issuer: also instances that have no issuer." };
        var cloud = new Option<bool>("--cloud") { Description = "Also delete the patient's objects and study manifests in every configured bucket." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Report what would be erased, per study pseudonym; change nothing." };
        var forcePlaceholder = new Option<bool>("--force-placeholder")
        {
            Description = "Erase even a placeholder-like ID (UNKNOWN, ANONYMOUS, 0, N/A, blank...), which is refused otherwise.",
        };
        var command = new Command(Name,
            "Erase a patient now: every local file, queue row and pending upload of the patient, and its copies in a file store " +
            "inside the data folder; with --cloud also its objects in the buckets. Audited as local:USER; prints what was deleted " +
            "where (the patient only as its keyed hash). Exit 1 when nothing matched (still audited) or objects could not be " +
            "deleted, 2 for a refused placeholder ID. See docs/erasure.md.")
        {
            patientId, issuer, issuerOptional, cloud, dryRun, forcePlaceholder, config, json,
        };
        command.SetAction((parse, cancellationToken) => ExecuteAsync(new Options(parse.GetRequiredValue(patientId), parse.GetValue(issuer),
            parse.GetValue(issuerOptional), parse.GetValue(cloud), parse.GetValue(dryRun), parse.GetValue(forcePlaceholder),
            parse.GetValue(config), parse.GetValue(json)), cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(Options options, CancellationToken cancellationToken)
    {
        // The values are never echoed: they name a patient.
        var patientId = options.PatientId;
        if (string.IsNullOrEmpty(patientId)) throw new UsageException("--patient-id must not be empty");
        var issuer = options.Issuer;
        if (issuer is { Length: 0 }) throw new UsageException("--issuer must not be empty (leave it out to match every issuer)");
        if (options.IssuerOptional && issuer is null) throw new UsageException("--issuer-optional needs --issuer");
        var dryRun = options.DryRun;
        var request = new ErasureRequest(patientId, issuer, options.Cloud, "local:" + Environment.UserName, Guid.NewGuid().ToString("N"),
            options.IssuerOptional, options.ForcePlaceholder);
        if (!dryRun && request.Refusal is { } refusal)
            throw new UsageException($"refusing: {refusal} (--dry-run shows what it matches; --force-placeholder erases it)");

        if (await CliConfiguration.TryLoadAsync(options.ConfigFile) is not { } configuration)
            return ExitCodes.BadInput;
        var layout = DataLayout.From(configuration.Gateway);
        var database = new QueueDatabase(layout.Root, createIfMissing: false);
        if (!File.Exists(database.Path))
        {
            await Console.Error.WriteLineAsync($"no queue at {database.Path}: nothing was ever received here (nothing erased, nothing audited)");
            return ExitCodes.Failure;
        }

        using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        UploadEndpoints? endpoints = null;
        try
        {
            if (QueueAccess.CheckSchema(database) is { } problem)
            {
                await Console.Error.WriteLineAsync(problem);
                return ExitCodes.Failure;
            }
            Pseudonymizer pseudonymizer;
            IReadOnlyList<IObjectStore> stores = [];
            try
            {
                pseudonymizer = new Pseudonymizer(SiteSecret.Load(configuration.Gateway.SiteSecretFile, layout.Root));
                if (request.Cloud)
                {
                    var limiter = new BandwidthLimiter(BandwidthScheduleReader.Read([]), TimeProvider.System);
                    endpoints = UploadEndpoints.Create(configuration, layout, limiter, TimeProvider.System, loggers);
                    stores = endpoints.Backup is { } backup ? [endpoints.Primary.Store, backup.Store] : [endpoints.Primary.Store];
                }
                // Copies in a file store inside the data folder are on the box: erased with or without --cloud.
                var onBox = OnBoxStore.ExistingFolders(configuration.Upload, layout)
                    .Where(folder => !stores.Any(s => s.Location == folder)).Select(folder => (IObjectStore)new FileSystemObjectStore(folder));
                stores = [.. stores, .. onBox];
            }
            catch (InvalidOperationException e)
            {
                await Console.Error.WriteLineAsync($"configuration: {e.Message}");
                return ExitCodes.BadInput;
            }

            using var queue = new QueueStores(database, TimeProvider.System);
            var eraser = new PatientEraser(new ErasureStore(queue.Writer, queue.Operator), layout, pseudonymizer, stores,
                ObjectKeyTemplate.Parse(configuration.Upload.KeyTemplate), configuration.Gateway, loggers.CreateLogger<PatientEraser>());
            if (dryRun)
                return PrintPreview(eraser.Preview(request), options.Json);

            // With no gateway running, nothing is arriving: files that no row names in an erased study's folder go too.
            using var gatewayLock = GatewayLock.TryAcquire(layout.Root);
            var result = await eraser.EraseAsync(request, writeAudit: true, sweepUnindexedFiles: gatewayLock is not null, cancellationToken);

            if (options.Json)
            {
                var json = result.ToJson();
                json["schemaVersion"] = 1;
                json["actor"] = request.Actor;
                json["gatewayRunning"] = gatewayLock is null;
                Console.WriteLine(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                Print(Console.Out, result, request.Actor, gatewayLock is null);
            }
            return result.Complete && result.Matched ? ExitCodes.Success : ExitCodes.Failure;
        }
        catch (SqliteException e)
        {
            await Console.Error.WriteLineAsync($"{database.Path}: {e.Message}");
            return ExitCodes.Failure;
        }
        finally
        {
            endpoints?.Dispose();
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>The dry run's report; exit 0 when something matched, 1 when nothing did.</summary>
    private static int PrintPreview(ErasurePreview p, bool json)
    {
        if (json)
        {
            var document = p.ToJson();
            document["schemaVersion"] = 1;
            Console.WriteLine(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return p.Matched ? ExitCodes.Success : ExitCodes.Failure;
        }
        var o = Console.Out;
        var c = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(c, $"erase-patient --dry-run: patient {p.Patient} (keyed hash){ErasureResult.IssuerText(p.IssuerGiven, p.IssuerOptional)}: would erase {p.Instances} instances ({p.Bytes} bytes, {p.LocalFiles} files) in {p.Studies.Count} studies; nothing was changed"));
        foreach (var s in p.Studies)
            o.WriteLine(string.Create(c, $"  study {s.Pseudonym}: {s.Instances} instances, {s.Bytes} bytes, {s.Files} files{(s.Removed ? ", study removed" : ", other instances of the study stay")}"));
        foreach (var b in p.Buckets)
            o.WriteLine(string.Create(c, $"  {(b.OnBox ? "local store" : "cloud      ")}: up to {b.Objects} objects from {b.Name} {b.Location}"));
        if (!p.Cloud) o.WriteLine("  cloud      : not asked (--cloud also deletes the objects and manifests from the buckets)");
        if (p.Refusal is not null) o.WriteLine($"  refused    : as it stands, {p.Refusal} (--force-placeholder)");
        return p.Matched ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static void Print(TextWriter o, ErasureResult r, string actor, bool gatewayRunning)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(c, $"erase-patient: patient {r.Patient} (keyed hash){ErasureResult.IssuerText(r.IssuerGiven, r.IssuerOptional)}{(r.PlaceholderForced ? ", placeholder ID forced" : "")}: {(r.Complete ? (r.Matched ? "erased" : "nothing matched") : "INCOMPLETE")}"));
        o.WriteLine(string.Create(c, $"  local disk : {r.LocalFiles} files, {r.Folders} study folders"));
        o.WriteLine(string.Create(c, $"  queue      : {r.Instances} instance rows ({r.CancelledUploads} pending/failed uploads cancelled), {r.Studies} studies, {r.EventsDeleted} unsent events"));
        o.WriteLine(string.Create(c, $"  database   : secure_delete {(r.SecureDelete ? "on" : "OFF")}, {(r.Compacted ? "rebuilt from its rows" : "NOT rebuilt (see the log; give the request again)")}, WAL {(r.WalTruncated ? "checkpointed and truncated" : "not truncated yet (a reader holds it)")}"));
        if (!r.Cloud)
            o.WriteLine("  cloud      : not asked (--cloud deletes the objects and manifests from the buckets)");
        foreach (var b in r.Buckets)
            o.WriteLine(string.Create(c, $"  {(b.OnBox ? "local store" : "cloud      ")}: {b.Name} {b.Location}: {b.Deleted} of {b.Requested} objects deleted{(b.Error is null ? "" : $", {b.Failed} failed ({b.Error})")}"));
        if (gatewayRunning)
            o.WriteLine("  note       : a gateway is running on this data folder; instances still arriving are stored normally");
        if (r.Problem is not null) o.WriteLine($"  problem    : {r.Problem}");
        o.WriteLine($"  request {r.RequestId}, audited as {actor}");
    }
}
