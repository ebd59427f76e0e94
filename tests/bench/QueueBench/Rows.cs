using System.Globalization;
using System.Security.Cryptography;
using Imaging.Edge.Gateway.Privacy;
using Imaging.Edge.Gateway.Queue;
using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Bench.Queue;

/// <summary>
/// Realistic queue rows: UIDs of about 60 characters, 200 instances per study (4 series of 50), a 32-byte SHA-256,
/// local paths as the intake writes them (<c>studies/{study}/{instance}.dcm</c>). Row <c>n</c> is always the same
/// for a given seed, so that files created for rows match the rows.
/// </summary>
internal sealed class RowFactory(int seed, Pseudonymizer pseudonymizer)
{
    public const int InstancesPerStudy = 200;
    private const int InstancesPerSeries = 50;
    private const string Root = "1.2.826.0.1.3680043.8.498.";
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    private const string ExplicitLittleEndian = "1.2.840.10008.1.2.1";

    private readonly Random _random = new(seed);
    private long _studyIndex = -1;
    private string _studyUid = "";
    private string _studyPseudonym = "";
    private string? _patientKey;
    private long _seriesIndex = -1;
    private string _seriesUid = "";

    public long Next { get; private set; }

    /// <summary>Study folder of row <paramref name="row"/>'s study, relative to the data folder.</summary>
    public string StudyUid => _studyUid;

    public NewInstance Create()
    {
        var row = Next++;
        var study = row / InstancesPerStudy;
        if (study != _studyIndex)
        {
            _studyIndex = study;
            _studyUid = Uid(study, 1);
            _studyPseudonym = pseudonymizer.Study(_studyUid);
            _patientKey = pseudonymizer.Patient("PAT" + study.ToString(CultureInfo.InvariantCulture));
        }
        var series = row / InstancesPerSeries;
        if (series != _seriesIndex)
        {
            _seriesIndex = series;
            _seriesUid = Uid(series, 2);
        }
        var sop = Uid(row, 3);
        var sha = new byte[32];
        _random.NextBytes(sha);
        return new NewInstance(
            sop, 0, _studyUid, _studyPseudonym, _patientKey, null, _seriesUid, CtImageStorage, ExplicitLittleEndian,
            _random.NextInt64(200_000, 600_000), sha, sha, Path.Combine("studies", _studyUid, sop + ".dcm"),
            "CT_SCANNER_01", "10.20.30.40", Priorities.Medium);
    }

    /// <summary>About 60 characters: root, kind, 14 random digits, the index, 8 more random digits (digits and dots only,
    /// at most 64 characters, so that the intake would use it as a file name unchanged).</summary>
    private string Uid(long index, int kind) => string.Create(CultureInfo.InvariantCulture,
        $"{Root}{kind}.{_random.NextInt64(10_000_000_000_000, 99_999_999_999_999)}.{index + 1}.{_random.Next(10_000_000, 99_999_999)}");

    public static Pseudonymizer NewPseudonymizer() => new(RandomNumberGenerator.GetBytes(32));
}

/// <summary>
/// The fast path for filling a queue: the intake's own statements (<see cref="IntakeStore"/>: study upsert, instance insert,
/// study.received event) on one connection opened with the queue's pragmas, committed in batches instead of one
/// transaction per instance. Same tables, same indexes, same rows; only the commit count differs.
/// </summary>
internal static class FastFill
{
    public static void Fill(QueueDatabase database, RowFactory rows, long count, Action<NewInstance>? each = null, int batch = 20_000)
    {
        using var connection = database.Open();
        using (var cache = connection.CreateCommand())
        {
            // This connection only: a big page cache so that the bulk fill does not re-read index pages from the OS.
            cache.CommandText = "PRAGMA cache_size = -262144;";
            cache.ExecuteNonQuery();
        }
        var remaining = count;
        while (remaining > 0)
        {
            var n = (int)Math.Min(batch, remaining);
            using var transaction = connection.BeginTransaction();
            using var upsert = Prepare(connection, transaction, IntakeStore.UpsertStudy, "$study", "$pseudonym", "$patient", "$now");
            using var insert = Prepare(connection, transaction, IntakeStore.InsertInstance,
                "$sop", "$version", "$study_id", "$series", "$sop_class", "$syntax", "$size", "$sha256", "$dataset_sha256", "$path", "$source", "$host", "$now", "$priority", "$patient", "$issuer");
            using var evt = Prepare(connection, transaction, QueueWriter.InsertEvent, "$now", "$type", "$payload");
            for (var i = 0; i < n; i++)
            {
                var instance = rows.Create();
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                Set(upsert, instance.StudyUid, instance.StudyPseudonym, instance.PatientKey, now);
                long studyId;
                int instanceCount;
                using (var reader = upsert.ExecuteReader())
                {
                    reader.Read();
                    studyId = reader.GetInt64(0);
                    instanceCount = reader.GetInt32(1);
                }
                Set(insert, instance.SopInstanceUid, instance.Version, studyId, instance.SeriesUid, instance.SopClassUid, instance.TransferSyntaxUid,
                    instance.Size, instance.Sha256, instance.DataSetSha256, instance.LocalPath, instance.Source, instance.SourceHost, now, instance.Priority, instance.PatientKey, instance.IssuerKey);
                insert.ExecuteScalar();
                if (instanceCount == 1)
                {
                    Set(evt, now, QueueEvents.StudyReceived,
                        QueueEvents.Payload(("study", instance.StudyPseudonym), ("reopened", false), ("source", instance.Source)));
                    evt.ExecuteNonQuery();
                }
                each?.Invoke(instance);
            }
            transaction.Commit();
            remaining -= n;
        }
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        checkpoint.ExecuteNonQuery();
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var name in names) command.Parameters.Add(new SqliteParameter(name, null));
        command.Prepare();
        return command;
    }

    private static void Set(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
    }
}
