using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Gateway.Tests.Commands;

namespace Imaging.Edge.Gateway.Tests.Queue;

public sealed class RowReaderTests
{
    [Fact]
    public void An_instance_row_maps_by_column_name_whatever_the_order_of_the_columns()
    {
        using var scene = new CommandScene();
        var id = scene.Queue.Intake.Enqueue(QueueWriterTests.Instance("1.2.3.9.1.1") with { Sha256 = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray() });
        var expected = scene.Queue.Queries.Find(id)!;

        // The same columns as InstanceRows.Select, in reverse order.
        const string reversed = """
            SELECT i.upload_checkpoint, i.etag, i.destination, i.object_key, i.last_error, i.next_attempt_at, i.attempts, i.state,
                   i.priority, i.received_at, i.source_host, i.source, i.local_path, i.sha256, i.size, i.transfer_syntax_uid,
                   i.sop_class_uid, i.series_uid, s.pseudonym, s.study_uid, i.study_id, i.version, i.sop_instance_uid, i.id
            FROM instances i JOIN studies s ON s.id = i.study_id WHERE i.id = $id;
            """;
        using var connection = scene.Database.Open();
        using var command = SqlCommands.Create(connection, null, reversed, ("$id", id));
        var actual = RowReader.First(command, InstanceRows.Map)!;

        Assert.Equal(expected.Sha256, actual.Sha256);
        Assert.Equal(expected with { Sha256 = [] }, actual with { Sha256 = [] });
        Assert.Equal("1.2.3.9.1.1", actual.SopInstanceUid);
        Assert.Equal("pseudo-1.2.3.9", actual.StudyPseudonym);
    }

    [Fact]
    public void A_column_is_found_under_its_name_or_alias_and_a_missing_one_is_an_error_not_a_shifted_value()
    {
        using var scene = new CommandScene();
        using var connection = scene.Database.Open();
        using var command = SqlCommands.Create(connection, null, "SELECT 7 AS seven, NULL AS empty, 'x' AS text, 42 AS renamed;");

        var row = RowReader.First(command, r => (r.Int64("renamed"), r.NullableString("empty"), r.String("text"), r.Int32("seven"), r.NullableTime("empty")));
        Assert.Equal((42L, (string?)null, "x", 7, (DateTimeOffset?)null), row);

        using var again = SqlCommands.Create(connection, null, "SELECT 7 AS seven;");
        Assert.Throws<ArgumentOutOfRangeException>(() => RowReader.First(again, r => r.Int64("eight")));
    }
}
