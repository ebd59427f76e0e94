using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Queue;

/// <summary>Identical re-sends that arrive at the same time, from several associations: still queued once.</summary>
public sealed class ConcurrentResendTests
{
    [Fact]
    public async Task Identical_instance_sent_on_several_associations_at_once_is_queued_once()
    {
        using var sources = new TemporaryDirectory();
        var files = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), sources.Path, 40);
        await using var receiver = new ReceiverUnderTest();

        // Four senders, same calling AE, same files, same order: every instance arrives about four times at once.
        var sends = Enumerable.Range(0, 4).Select(_ => Dcmtk.StoreAsync(receiver, files, timeout: TimeSpan.FromSeconds(60))).ToList();
        var results = await Task.WhenAll(sends);

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Output));
        var twice = new List<string>();
        foreach (var file in files)
        {
            var sop = CorpusFiles.Read(file).Meta.MediaStorageSopInstanceUid;
            var rows = receiver.Queue.Queries.FindBySopInstanceUid(sop);
            Assert.NotEmpty(rows);
            if (rows.GroupBy(r => Convert.ToHexString(r.Sha256)).Any(g => g.Count() > 1))
                twice.Add($"{sop}: {string.Join(", ", rows.Select(r => r.LocalPath))}");
        }
        Assert.True(twice.Count == 0,
            $"{twice.Count} of {files.Count} instances are queued more than once with identical bytes (SpoolFile.CompleteAsync checks " +
            $"for an identical copy and inserts the row in separate steps):\n{string.Join("\n", twice.Take(5))}");
        Assert.Equal(files.Count, receiver.ReceivedFiles().Count);
    }
}
