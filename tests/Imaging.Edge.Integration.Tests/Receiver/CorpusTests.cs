using System.Security.Cryptography;
using System.Text;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Imaging.Edge.Integration.Tests.Receiver;

/// <summary>The whole pydicom corpus through the receiver: raw from our SCU, through dcmtk's storescu, read back by dcmdump and pydicom.</summary>
public sealed class CorpusTests(ITestOutputHelper output)
{
    /// <summary>
    /// Corpus files the receiver must refuse when sent raw, with the status and the reason. Each entry is asserted:
    /// the file must be sent, and answered with exactly this status.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, (ushort Status, string Reason)> ExpectedRefusals = new Dictionary<string, (ushort, string)>(StringComparer.Ordinal)
    {
    };

    [Fact]
    public async Task Every_corpus_file_sent_raw_by_our_scu_is_stored_byte_identical()
    {
        var files = CorpusFiles.Sendable();
        await using var receiver = new ReceiverUnderTest();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var results = await CorpusSender.SendAllAsync(receiver, files, cts.Token);

        Assert.Equal(files.Count, results.Count);
        var failures = new List<string>();
        foreach (var result in results)
        {
            if (ExpectedRefusals.TryGetValue(result.File.Name, out var expected))
            {
                if (result.Status != expected.Status || result.ReceivedPath is not null)
                    failures.Add($"{result.File.Name}: expected refusal 0x{expected.Status:X4} ({expected.Reason}), got {result.Describe()}{(result.ReceivedPath is null ? "" : " and a stored file")}");
                continue;
            }
            if (!result.Succeeded)
            {
                failures.Add($"{result.File.Name} [{result.File.TransferSyntax.Uid}]: {result.Describe()}");
                continue;
            }
            var (meta, received) = CorpusFiles.Read(result.ReceivedPath!);
            if (!received.AsSpan().SequenceEqual(CorpusFiles.DataSet(result.File.Path)))
                failures.Add($"{result.File.Name}: stored data set differs from the file's ({received.Length} vs {new FileInfo(result.File.Path).Length - result.File.DataSetOffset} bytes)");
            else if (meta.TransferSyntaxUid != result.File.Meta.TransferSyntaxUid || meta.MediaStorageSopInstanceUid != result.File.Meta.MediaStorageSopInstanceUid)
                failures.Add($"{result.File.Name}: stored meta names {meta.TransferSyntaxUid} / {meta.MediaStorageSopInstanceUid}");
        }
        foreach (var name in ExpectedRefusals.Keys.Where(n => results.All(r => r.File.Name != n)))
            failures.Add($"{name}: listed as an expected refusal but not sent (no longer in the corpus?)");

        var stored = results.Where(r => r.Succeeded && !ExpectedRefusals.ContainsKey(r.File.Name)).ToList();
        output.WriteLine($"{files.Count} sendable corpus files, {stored.Count} stored, {results.Count(r => ExpectedRefusals.ContainsKey(r.File.Name))} expected refusals");
        foreach (var group in stored.GroupBy(r => r.File.TransferSyntax).OrderBy(g => g.Key.Uid, StringComparer.Ordinal))
            output.WriteLine($"  {group.Count(),4}  {group.Key}");
        foreach (var failure in failures) output.WriteLine("FAIL " + failure);

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(stored.Count >= 50, $"only {stored.Count} files stored");
        var syntaxes = stored.Select(r => r.File.TransferSyntax.Uid).Distinct().Count();
        Assert.True(syntaxes >= 10, $"only {syntaxes} distinct transfer syntaxes sent");
    }
}
