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
        // Explicit VR transfer syntax in the meta, but the data set is encoded implicit VR: dcmdump cannot parse it either.
        ["SC_rgb_jpeg.dcm"] = (DimseStatus.CannotUnderstand, "meta says JPEG Baseline (explicit VR) but the data set is implicit VR: malformed in its transfer syntax"),
        // Data sets without (0008,0016) SOP Class UID or (0008,0018) SOP Instance UID cannot be filed: cannot understand.
        ["UN_sequence.dcm"] = (DimseStatus.CannotUnderstand, "data set is a single (4453,100C) sequence, no SOP Class UID"),
        ["no_meta_group_length.dcm"] = (DimseStatus.CannotUnderstand, "data set holds only (0008,0008), (0008,0012), (0008,0013): no SOP Class UID"),
        ["priv_SQ.dcm"] = (DimseStatus.CannotUnderstand, "data set holds only a private group (3F03): no SOP Class UID"),
        // Deliberately truncated files: the data set ends inside an element, so it is refused rather than stored unreadable.
        ["MR_truncated.dcm"] = (DimseStatus.CannotUnderstand, "Pixel Data (7FE0,0010) claims 8192 bytes but the file ends before them"),
        ["rtplan_truncated.dcm"] = (DimseStatus.CannotUnderstand, "the file ends inside an element value"),
        // (0002,0003) differs from the data set's (0008,0018); our SCU sends the meta's UID as Affected SOP Instance UID.
        ["badVR.dcm"] = (DimseStatus.MistypedArgument, "meta SOP Instance UID 1.2.999… ≠ data set's 1.9.999…"),
        ["rtdose.dcm"] = (DimseStatus.MistypedArgument, "meta SOP Instance UID 1.2.999… ≠ data set's 1.9.999…"),
        ["rtdose_1frame.dcm"] = (DimseStatus.MistypedArgument, "meta SOP Instance UID 1.2.999… ≠ data set's 1.9.999…"),
        ["rtdose_expb.dcm"] = (DimseStatus.MistypedArgument, "meta SOP Instance UID 1.2.999… ≠ data set's 1.9.999…"),
        ["rtdose_expb_1frame.dcm"] = (DimseStatus.MistypedArgument, "meta SOP Instance UID 1.2.999… ≠ data set's 1.9.999…"),
        ["rtplan.dcm"] = (DimseStatus.MistypedArgument, "meta SOP Instance UID 1.2.999… ≠ data set's 1.2.777…"),
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
        Assert.Empty(receiver.SpoolFiles()); // refused data sets leave nothing behind
        Assert.True(stored.Count >= 50, $"only {stored.Count} files stored");
        var syntaxes = stored.Select(r => r.File.TransferSyntax.Uid).Distinct().Count();
        Assert.True(syntaxes >= 10, $"only {syntaxes} distinct transfer syntaxes sent");
    }
    /// <summary>storescu's option that proposes a transfer syntax (and with <c>-R</c> only what the files need): storescu --help.</summary>
    private static readonly IReadOnlyDictionary<string, string> StorescuOption = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["1.2.840.10008.1.2"] = "-xi",
        ["1.2.840.10008.1.2.1"] = "-xe",
        ["1.2.840.10008.1.2.2"] = "-xb",
        ["1.2.840.10008.1.2.1.99"] = "-xd",
        ["1.2.840.10008.1.2.4.70"] = "-xs",
        ["1.2.840.10008.1.2.4.50"] = "-xy",
        ["1.2.840.10008.1.2.4.51"] = "-xx",
        ["1.2.840.10008.1.2.4.90"] = "-xv",
        ["1.2.840.10008.1.2.4.91"] = "-xw",
        ["1.2.840.10008.1.2.4.80"] = "-xt",
        ["1.2.840.10008.1.2.4.81"] = "-xu",
        ["1.2.840.10008.1.2.5"] = "-xr",
        ["1.2.840.10008.1.2.4.100"] = "-xm",
        ["1.2.840.10008.1.2.4.101"] = "-xh",
        ["1.2.840.10008.1.2.4.102"] = "-xn",
        ["1.2.840.10008.1.2.4.103"] = "-xl",
        ["1.2.840.10008.1.2.4.104"] = "-x2",
        ["1.2.840.10008.1.2.4.105"] = "-x3",
        ["1.2.840.10008.1.2.4.106"] = "-xo",
        ["1.2.840.10008.1.2.4.107"] = "-x4",
        ["1.2.840.10008.1.2.4.108"] = "-x5",
    };

    [Fact]
    public async Task Every_corpus_file_storescu_can_send_is_stored_as_storescu_sent_it()
    {
        var groups = CorpusFiles.Sendable()
            .Where(f => StorescuOption.ContainsKey(f.TransferSyntax.Uid))
            .GroupBy(f => StorescuOption[f.TransferSyntax.Uid])
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        await using var receiver = new ReceiverUnderTest();
        using var work = new TemporaryDirectory();

        var oracleFiles = new List<string>();
        foreach (var group in groups)
        {
            var files = group.Select(f => f.Path).ToList();
            var oracleDir = work.Combine("storescp" + group.Key);
            // The same command line both times: storescu re-encodes what it reads, and it does so identically.
            var oracle = await StorescpOracle.RunClientAsync(oracleDir,
                ["storescu", "-v", "-aet", "STORESCU", "-aec", "ANY-SCP", "-nh", "-R", group.Key, "127.0.0.1", "{port}", .. files]);
            var ours = await Dcmtk.StoreAsync(receiver, files, ["-v", group.Key]);
            var stored = StorescpOracle.StoredFiles(oracleDir);
            oracleFiles.AddRange(stored);
            output.WriteLine($"storescu {group.Key}: {files.Count} files, storescp stored {stored.Count} (exit {oracle.ExitCode}), our receiver run exit {ours.ExitCode}");
            var oracleOutcomes = StorescpOracle.StorescuOutcomes(files, oracle.Output);
            var ourOutcomes = StorescpOracle.StorescuOutcomes(files, ours.Output);
            foreach (var file in group.Where(f => oracleOutcomes[f.Path] != "Success" || ourOutcomes[f.Path] != "Success"))
                output.WriteLine($"    {file.Name}: storescp {oracleOutcomes[file.Path] ?? "never sent by storescu"}; our receiver {ourOutcomes[file.Path] ?? "never sent by storescu"}");
        }

        // storescu names the instance from the data set. Corpus files that repeat an instance byte for byte are stored once
        // (an identical re-send is acknowledged, not queued twice), so the data sets are compared as sets.
        static (string, string, string) Key(Dicom.Files.FileMetaInformation m) => (m.MediaStorageSopClassUid, m.MediaStorageSopInstanceUid, m.TransferSyntaxUid);
        var expected = oracleFiles.Select(CorpusFiles.Read).ToLookup(r => Key(r.Meta), r => Hash(r.DataSet));
        var actual = receiver.ReceivedFiles().Select(CorpusFiles.Read).ToLookup(r => Key(r.Meta), r => Hash(r.DataSet));

        var failures = new List<string>();
        foreach (var group in expected)
        {
            var want = group.Distinct().Order(StringComparer.Ordinal).ToList();
            var got = actual[group.Key].Distinct().Order(StringComparer.Ordinal).ToList();
            if (!want.SequenceEqual(got))
                failures.Add($"{group.Key.Item2} in {group.Key.Item3}: storescp stored {want.Count} data set(s), our receiver {got.Count}, {want.Except(got).Count()} of storescp's without a byte-identical copy");
        }
        foreach (var extra in actual.Where(g => !expected.Contains(g.Key)))
            output.WriteLine($"only our receiver stored {extra.Key.Item2} in {extra.Key.Item3}");
        output.WriteLine($"{oracleFiles.Count} data sets stored by storescp compared; {receiver.ReceivedFiles().Count} received by the gateway");
        foreach (var failure in failures) output.WriteLine("FAIL " + failure);

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(oracleFiles.Count >= 40, $"only {oracleFiles.Count} files compared");
    }

    [Fact]
    public async Task Every_received_file_is_readable_by_dcmdump_and_pydicom()
    {
        var files = CorpusFiles.Sendable();
        await using var receiver = new ReceiverUnderTest();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var received = (await CorpusSender.SendAllAsync(receiver, files, cts.Token)).Where(r => r.Succeeded).ToList();
        Assert.True(received.Count >= 50, $"only {received.Count} files received");

        var failures = new List<string>();
        using (var gate = new SemaphoreSlim(2))
        {
            var dumps = await Task.WhenAll(received.Select(async r =>
            {
                await gate.WaitAsync();
                try
                {
                    var dump = await Dcmtk.DumpAsync(r.ReceivedPath!);
                    return (r, dump);
                }
                finally
                {
                    gate.Release();
                }
            }));
            foreach (var (r, dump) in dumps.Where(d => d.dump.ExitCode != 0))
            {
                var original = await Dcmtk.DumpAsync(r.File.Path);
                failures.Add($"dcmdump {r.File.Name}: exit {dump.ExitCode} (original: exit {original.ExitCode}) {FirstLine(dump.Output)}");
            }
        }

        // One python3 for all: prints "FAIL <index> <which> <error>" for every received file (and its original) it cannot read.
        const string script = """
            import sys, warnings
            import pydicom
            warnings.simplefilter("ignore")
            pairs = sys.stdin.read().split("\n")
            n = 0
            for i, line in enumerate(pairs):
                if not line:
                    continue
                received, original = line.split("\t")
                n += 1
                try:
                    pydicom.dcmread(received, force=False).walk(lambda ds, elem: elem.value)
                except Exception as e:
                    try:
                        pydicom.dcmread(original, force=False).walk(lambda ds, elem: elem.value)
                        orig = "original reads"
                    except Exception as e2:
                        orig = f"original fails too: {type(e2).__name__}"
                    print(f"FAIL {i} {type(e).__name__}: {e} ({orig})".replace("\n", " "))
            print(f"READ {n}")
            """;
        var input = work(received);
        var python = await PythonWithInputAsync(script, input);
        Assert.True(python.ExitCode == 0, python.Output);
        Assert.Contains($"READ {received.Count}", python.StandardOutput);
        foreach (var line in python.StandardOutput.Split('\n').Where(l => l.StartsWith("FAIL ", StringComparison.Ordinal)))
        {
            var index = int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            failures.Add($"pydicom {received[index].File.Name}: {line}");
        }

        output.WriteLine($"{received.Count} received files checked with dcmdump -q and pydicom.dcmread");
        foreach (var failure in failures) output.WriteLine("FAIL " + failure);
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));

        static string work(IEnumerable<CorpusSendResult> rs) => string.Join("\n", rs.Select(r => $"{r.ReceivedPath}\t{r.File.Path}")) + "\n";
    }

    private static async Task<ProcessResult> PythonWithInputAsync(string script, string input)
    {
        using var folder = new TemporaryDirectory();
        var list = folder.Combine("files.txt");
        await File.WriteAllTextAsync(list, input);
        return await ProcessRunner.RunAsync("bash", ["-c", "exec \"$0\" -c \"$1\" < \"$2\"", Peers.Python, script, list], TimeSpan.FromSeconds(60));
    }

    private static string FirstLine(string text) => text.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";

    private static string Hash(byte[] data) => Convert.ToHexString(SHA256.HashData(data));
}
