using System.Text.Json;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Gateway.Erasure;

/// <summary>
/// A patient erasure's reads and writes of <c>queue.db</c>. Writes go through the queue's one <see cref="QueueWriter"/>,
/// each in one FULL transaction (the connection has <c>secure_delete</c> on, so freed pages are zeroed); reads (the
/// dry run, the folder check) use connections of their own.
/// </summary>
internal sealed class ErasureStore(QueueWriter writer, OperatorActions actions)
{
    /// <summary>An instance the erasure takes.</summary>
    internal sealed record Target(long Id, string State, string LocalPath, string? ObjectKey, string SopInstanceUid, int Version, string? SeriesUid, long StudyId, long Size, byte[] Sha256);

    /// <summary>A study of the erased instances, with the manifest versions written for it and the instances it keeps.</summary>
    internal sealed record StudyRow(long Id, string StudyUid, string Pseudonym, int ManifestVersions, int Survivors);

    private delegate SqliteCommand Statement(string sql, params (string Name, object? Value)[] parameters);

    /// <summary>True when deleted pages are overwritten (every queue connection turns it on; the result reports it).</summary>
    public bool SecureDelete()
    {
        using var connection = writer.Database.Open();
        using var command = SqlCommands.Create(connection, null, ErasureSql.SecureDelete);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != 0;
    }

    /// <summary>Step 1: selects and claims the rows in one immediate transaction, committed with synchronous=FULL.</summary>
    public (List<Target>, List<StudyRow>) Claim(string patient, string? issuer, bool issuerOptional) =>
        writer.Write(Durability.Full, transaction =>
        {
            var selected = Select((sql, parameters) => writer.Statement(transaction, sql, parameters), patient, issuer, issuerOptional);
            writer.Statement(transaction, ErasureSql.Claim, ("$patient", patient), ("$issuer", issuer), ("$issuer_optional", issuerOptional)).ExecuteNonQuery();
            return selected;
        });

    /// <summary>What <see cref="Claim"/> would take, read in one read transaction and changed nowhere (the dry run).</summary>
    public (List<Target>, List<StudyRow>) Preview(string patient, string? issuer, bool issuerOptional)
    {
        using var connection = writer.Database.Open();
        using var transaction = connection.BeginTransaction(deferred: true);
        var commands = new List<SqliteCommand>();
        try
        {
            return Select((sql, parameters) =>
            {
                var command = SqlCommands.Create(connection, transaction, sql, parameters);
                commands.Add(command);
                return command;
            }, patient, issuer, issuerOptional);
        }
        finally
        {
            foreach (var command in commands) command.Dispose();
        }
    }

    /// <summary>True when rows not being erased name files under <paramref name="prefix"/> (a folder, relative to the data folder).</summary>
    public bool OthersInFolder(string prefix)
    {
        using var connection = writer.Database.Open();
        using var command = SqlCommands.Create(connection, null, ErasureSql.OthersInFolder, ("$prefix", prefix));
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Step 4: instance rows, studies left empty and the unpublished events that name them. Returns studies and events deleted.</summary>
    public (int Studies, int Events) DeleteRows(List<Target> targets, List<StudyRow> studies, bool manifestsDeleted) =>
        writer.Write(Durability.Full, transaction =>
        {
            var ids = Json(targets.Select(t => t.Id));
            var studyIds = Json(studies.Select(s => s.Id));
            writer.Statement(transaction, ErasureSql.DeleteInstances, ("$ids", ids)).ExecuteNonQuery();
            var pseudonyms = RowReader.All(writer.Statement(transaction, ErasureSql.DeleteEmptyStudies, ("$study_ids", studyIds)), r => r.String("pseudonym"));
            writer.Statement(transaction, ErasureSql.RecountStudies, ("$study_ids", studyIds), ("$manifests_deleted", manifestsDeleted)).ExecuteNonQuery();
            var events = writer.Statement(transaction, ErasureSql.DeleteEvents, ("$pseudonyms", Json(pseudonyms)), ("$ids", ids)).ExecuteNonQuery();
            return (pseudonyms.Count, events);
        });

    /// <summary>The erase.completed event (only when complete) and, for the command line, the audit row: one transaction.</summary>
    public void RecordCompletion(ErasureRequest request, ErasureResult result, bool writeAudit)
    {
        if (!result.Complete && !writeAudit) return;
        writer.Write(Durability.Full, transaction =>
        {
            if (result.Complete)
                writer.AddEvent(transaction, QueueEvents.EraseCompleted, QueueEvents.Payload(("requestId", request.RequestId), ("patient", result.Patient),
                    ("studies", result.Studies), ("instances", result.Instances), ("files", result.LocalFiles), ("objects", result.ObjectsDeleted)));
            if (writeAudit)
                actions.AddAudit(transaction, request.Actor, PatientEraser.Action, request.RequestId, result.AuditText());
        });
    }

    /// <summary>Step 5: the file rebuilt from its rows (<see cref="QueueWriter.Compact"/>): null when done, else why not.</summary>
    public string? Compact() => writer.Compact();

    /// <summary>Step 6: true when the WAL was copied back and truncated to zero bytes.</summary>
    public bool TruncateWal() => writer.TruncateWal();

    /// <summary>The patient's instances and their studies (with the instances each keeps), inside the caller's transaction.</summary>
    private static (List<Target>, List<StudyRow>) Select(Statement statement, string patient, string? issuer, bool issuerOptional)
    {
        var targets = RowReader.All(statement(ErasureSql.Targets, ("$patient", patient), ("$issuer", issuer), ("$issuer_optional", issuerOptional)),
            r => new Target(r.Int64("id"), r.String("state"), r.String("local_path"), r.NullableString("object_key"), r.String("sop_instance_uid"),
                r.Int32("version"), r.NullableString("series_uid"), r.Int64("study_id"), r.Int64("size"), r.Bytes("sha256")));
        var studies = RowReader.All(statement(ErasureSql.Studies,
                ("$study_ids", Json(targets.Select(t => t.StudyId).Distinct())), ("$ids", Json(targets.Select(t => t.Id))), ("$patient", patient), ("$issuer", issuer)),
            r => new StudyRow(r.Int64("id"), r.String("study_uid"), r.String("pseudonym"), r.Int32("manifest_versions"), r.Int32("survivors")));
        return (targets, studies);
    }

    private static string Json<T>(IEnumerable<T> values) => JsonSerializer.Serialize(values.ToList());
}
