namespace Imaging.Edge.Gateway.Queue;

/// <summary>An instance row with its study, as every store that returns <see cref="QueuedInstance"/> selects and maps it.</summary>
internal static class InstanceRows
{
    /// <summary>The columns and the join; a statement adds its WHERE and ORDER BY.</summary>
    public const string Select = """
        SELECT i.id, i.sop_instance_uid, i.version, i.study_id, s.study_uid, s.pseudonym, i.series_uid, i.sop_class_uid,
               i.transfer_syntax_uid, i.size, i.sha256, i.local_path, i.source, i.source_host, i.received_at, i.priority,
               i.state, i.attempts, i.next_attempt_at, i.last_error, i.object_key, i.destination, i.etag, i.upload_checkpoint
        FROM instances i JOIN studies s ON s.id = i.study_id
        """;

    /// <summary>Maps a row of <see cref="Select"/> by column name.</summary>
    public static QueuedInstance Map(RowReader r) => new(
        r.Int64("id"), r.String("sop_instance_uid"), r.Int32("version"), r.Int64("study_id"), r.String("study_uid"), r.String("pseudonym"),
        r.NullableString("series_uid"), r.String("sop_class_uid"), r.String("transfer_syntax_uid"), r.Int64("size"), r.Bytes("sha256"),
        r.String("local_path"), r.String("source"), r.NullableString("source_host"), r.Time("received_at"), r.Int32("priority"),
        r.String("state"), r.Int32("attempts"), r.Time("next_attempt_at"), r.NullableString("last_error"), r.NullableString("object_key"),
        r.NullableString("destination"), r.NullableString("etag"), r.NullableString("upload_checkpoint"));
}
