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
/// <c>imaging-edge erase-patient --patient-id ID [--issuer X] [--cloud] [--config FILE] [--json]</c>: the eraser run in
/// this process against the configured data folder and buckets, audited as <c>local:{user}</c>. Works beside a
/// running gateway (the rows it claims are never uploaded again) and with it stopped (then files no row names in an
/// erased study's folder go too). Prints what was deleted where — never the patient ID, only its keyed hash.
/// Exit 0: erased; 1: nothing matched (still audited), or objects could not be deleted; 2: bad arguments or configuration.
/// </summary>
internal static class ErasePatientCli
{
    public const string UsageText = "usage: imaging-edge erase-patient --patient-id ID [--issuer ISSUER] [--cloud] [--config FILE] [--json]";

    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var arguments = Arguments.Parse(args, valued: new HashSet<string> { "config", "patient-id", "issuer" }, flags: new HashSet<string> { "cloud", "json" });
        if (arguments.Positional.Count > 0)
            throw new UsageException($"erase-patient takes no positional arguments; {UsageText}");
        // The values are never echoed: they name a patient.
        var patientId = arguments.Option("patient-id");
        if (string.IsNullOrEmpty(patientId)) throw new UsageException($"--patient-id is required and must not be empty; {UsageText}");
        var issuer = arguments.Option("issuer");
        if (issuer is { Length: 0 }) throw new UsageException("--issuer must not be empty (leave it out to match every issuer)");

        EdgeConfiguration configuration;
        try
        {
            configuration = EdgeConfiguration.Load(arguments.Option("config"));
        }
        catch (ConfigurationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return ExitCodes.BadInput;
        }
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
                if (arguments.Flag("cloud"))
                {
                    var limiter = new BandwidthLimiter(BandwidthScheduleReader.Read([]), TimeProvider.System);
                    endpoints = UploadEndpoints.Create(configuration, layout, limiter, TimeProvider.System, loggers);
                    stores = endpoints.Backup is { } backup ? [endpoints.Primary.Store, backup.Store] : [endpoints.Primary.Store];
                }
            }
            catch (InvalidOperationException e)
            {
                await Console.Error.WriteLineAsync($"configuration: {e.Message}");
                return ExitCodes.BadInput;
            }

            // With no gateway running, nothing is arriving: files that no row names in an erased study's folder go too.
            using var gatewayLock = GatewayLock.TryAcquire(layout.Root);
            var eraser = new PatientEraser(database, layout, pseudonymizer, stores, ObjectKeyTemplate.Parse(configuration.Upload.KeyTemplate),
                configuration.Gateway, TimeProvider.System, loggers.CreateLogger<PatientEraser>());
            var request = new ErasureRequest(patientId, issuer, arguments.Flag("cloud"), "local:" + Environment.UserName, Guid.NewGuid().ToString("N"));
            var result = await eraser.EraseAsync(request, writeAudit: true, sweepUnindexedFiles: gatewayLock is not null, cancellationToken);

            if (arguments.Flag("json"))
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

    private static void Print(TextWriter o, ErasureResult r, string actor, bool gatewayRunning)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(c, $"erase-patient: patient {r.Patient} (keyed hash){(r.IssuerGiven ? ", with issuer" : "")}: {(r.Complete ? (r.Matched ? "erased" : "nothing matched") : "INCOMPLETE")}"));
        o.WriteLine(string.Create(c, $"  local disk : {r.LocalFiles} files, {r.Folders} study folders"));
        o.WriteLine(string.Create(c, $"  queue      : {r.Instances} instance rows ({r.CancelledUploads} pending/failed uploads cancelled), {r.Studies} studies, {r.EventsDeleted} unsent events"));
        o.WriteLine(string.Create(c, $"  database   : secure_delete {(r.SecureDelete ? "on" : "OFF")}, WAL {(r.WalTruncated ? "checkpointed and truncated" : "not truncated yet (a reader holds it)")}"));
        if (!r.Cloud)
            o.WriteLine("  cloud      : not asked (--cloud deletes the objects and manifests from the buckets)");
        foreach (var b in r.Buckets)
            o.WriteLine(string.Create(c, $"  cloud      : {b.Name} {b.Location}: {b.Deleted} of {b.Requested} objects deleted{(b.Error is null ? "" : $", {b.Failed} failed ({b.Error})")}"));
        if (gatewayRunning)
            o.WriteLine("  note       : a gateway is running on this data folder; instances still arriving are stored normally");
        if (r.Problem is not null) o.WriteLine($"  problem    : {r.Problem}");
        o.WriteLine($"  request {r.RequestId}, audited as {actor}");
    }
}
