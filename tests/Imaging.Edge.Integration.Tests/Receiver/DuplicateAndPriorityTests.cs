using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Integration.Tests.Receiver;

/// <summary>What the queue records for re-sent instances and for instances of prioritised devices, with storescu as the sender.</summary>
public sealed class DuplicateAndPriorityTests
{
    private static List<string> EventTypes(ReceiverUnderTest receiver)
    {
        using var connection = receiver.Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT type || ':' || payload FROM outbox ORDER BY id";
        using var reader = command.ExecuteReader();
        var events = new List<string>();
        while (reader.Read()) events.Add(reader.GetString(0));
        return events;
    }

    [Fact]
    public async Task Identical_resend_is_acknowledged_and_not_queued_twice()
    {
        await using var receiver = new ReceiverUnderTest();
        using var inputs = new TemporaryDirectory();
        var source = Assert.Single(FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Path, 1));

        var first = await Dcmtk.StoreAsync(receiver, [source], ["-xe"]);
        var second = await Dcmtk.StoreAsync(receiver, [source], ["-xe", "-v"]);

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("Received Store Response (Success)", second.Output);
        var file = Assert.Single(receiver.ReceivedFiles());
        var rows = receiver.Queue.Queries.FindBySopInstanceUid(Path.GetFileNameWithoutExtension(file));
        var row = Assert.Single(rows);
        Assert.Equal(InstanceStates.Pending, row.State);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)), row.Sha256);
        var events = EventTypes(receiver);
        Assert.Single(events, e => e.StartsWith("study.received:", StringComparison.Ordinal));
        Assert.Single(events, e => e.StartsWith("instance.duplicate:", StringComparison.Ordinal) && e.Contains("\"identical\":true", StringComparison.Ordinal));
        Assert.Empty(receiver.SpoolFiles());
    }

    [Fact]
    public async Task Resend_with_other_bytes_is_kept_as_a_flagged_new_version()
    {
        await using var receiver = new ReceiverUnderTest();
        using var inputs = new TemporaryDirectory();
        var source = Assert.Single(FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Path, 1));

        // The same instance in two transfer syntaxes: same SOP Instance UID, other bytes.
        var first = await Dcmtk.StoreAsync(receiver, [source], ["-xe"]);
        var second = await Dcmtk.StoreAsync(receiver, [source], ["-xi"]);

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first.Output + second.Output);
        var files = receiver.ReceivedFiles();
        Assert.Equal(2, files.Count);
        var uid = Path.GetFileName(files.Single(f => !f.EndsWith(".v1.dcm", StringComparison.Ordinal)))[..^4];
        var rows = receiver.Queue.Queries.FindBySopInstanceUid(uid);
        Assert.Equal([0, 1], rows.Select(r => r.Version));
        Assert.All(rows, r => Assert.Equal(InstanceStates.Pending, r.State));
        Assert.NotEqual(rows[0].Sha256, rows[1].Sha256);
        Assert.Contains(EventTypes(receiver), e => e.StartsWith("instance.duplicate:", StringComparison.Ordinal) && e.Contains("\"identical\":false", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Device_configured_high_is_leased_before_older_medium_instances()
    {
        await using var receiver = new ReceiverUnderTest(devicePriorities: new Dictionary<string, int> { ["URGENT_CT"] = Priorities.High });
        using var inputs = new TemporaryDirectory();
        var routine = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Combine("routine"), 3);
        var urgent = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Combine("urgent"), 2);

        Assert.Equal(0, (await Dcmtk.StoreAsync(receiver, routine, ["-xe"], callingAe: "ROUTINE")).ExitCode);
        Assert.Equal(0, (await Dcmtk.StoreAsync(receiver, urgent, ["-xe"], callingAe: "URGENT_CT")).ExitCode);

        var order = new List<string>();
        receiver.Materializer.MaterializeAll(); // an instance is leased once its file is written
        while (receiver.Queue.Leases.Lease("test", TimeSpan.FromMinutes(1)) is { } leased)
            order.Add(leased.Source);
        Assert.Equal(["URGENT_CT", "URGENT_CT", "ROUTINE", "ROUTINE", "ROUTINE"], order);
    }

    [Fact]
    public async Task Study_row_carries_pseudonyms_not_patient_data()
    {
        await using var receiver = new ReceiverUnderTest();
        Assert.Equal(0, (await Dcmtk.StoreAsync(receiver, [PydicomCorpus.File("MR_small.dcm")], ["-xe"])).ExitCode);

        using var connection = receiver.Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT pseudonym, patient_key FROM studies";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Matches("^[0-9a-f]{32}$", reader.GetString(0));
        Assert.Matches("^[0-9a-f]{32}$", reader.GetString(1));
        // MR_small's patient: nothing of it may be in the database or the events.
        var everything = string.Join("\n", EventTypes(receiver)) + reader.GetString(0) + reader.GetString(1);
        Assert.DoesNotContain("CompressedSamples", everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("4MR1", everything, StringComparison.Ordinal);
    }
}
