using Imaging.Edge.Integration.Tests.Infrastructure;

namespace Imaging.Edge.Integration.Tests.Receiver;

/// <summary>dcmtk's echoscu and storescu against the receiver.</summary>
public sealed class DcmtkInteropTests
{
    [Fact]
    public async Task Echoscu_gets_success()
    {
        await using var receiver = new ReceiverUnderTest();
        var result = await Dcmtk.EchoAsync(receiver);
        Assert.True(result.ExitCode == 0, result.Output);
    }

    [Fact]
    public async Task Storescu_instance_is_stored_byte_identical_and_readable_by_dcmdump()
    {
        await using var receiver = new ReceiverUnderTest();
        using var inputs = new TemporaryDirectory();
        var source = Assert.Single(FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Path, 1));

        var result = await Dcmtk.StoreAsync(receiver, [source], ["-xe"]);

        Assert.True(result.ExitCode == 0, result.Output);
        var received = Assert.Single(receiver.ReceivedFiles());
        Assert.Equal(ReceiverUnderTest.DataSetBytes(source), ReceiverUnderTest.DataSetBytes(received));
        var dump = await Dcmtk.DumpAsync(received);
        Assert.True(dump.ExitCode == 0, dump.Output);
        Assert.Contains("(0002,0016) AE [STORESCU]", dump.StandardOutput);
        Assert.Empty(receiver.SpoolFiles());
    }

    [Fact]
    public async Task Several_storescu_processes_at_once_all_land()
    {
        await using var receiver = new ReceiverUnderTest();
        using var inputs = new TemporaryDirectory();
        const int senders = 4, perSender = 15;
        var batches = Enumerable.Range(0, senders)
            .Select(s => FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Combine($"s{s}"), perSender))
            .ToList();

        var results = await Task.WhenAll(batches.Select((files, s) => Dcmtk.StoreAsync(receiver, files, ["-xe"], callingAe: $"SENDER{s}")));

        foreach (var result in results) Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(senders * perSender, receiver.ReceivedFiles().Count);
    }

    [Fact]
    public async Task Data_set_spread_over_many_small_pdus_is_reassembled()
    {
        // 4 KiB PDUs: CT_small's 39 KB data set arrives in about ten P-DATA-TF PDUs.
        await using var receiver = new ReceiverUnderTest(options => options with { MaxPduLength = 4096 });
        using var inputs = new TemporaryDirectory();
        var source = Assert.Single(FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Path, 1));

        var result = await Dcmtk.StoreAsync(receiver, [source], ["-xe"]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(ReceiverUnderTest.DataSetBytes(source), ReceiverUnderTest.DataSetBytes(Assert.Single(receiver.ReceivedFiles())));
    }

    [Fact]
    public async Task Same_instance_sent_twice_keeps_both_copies()
    {
        await using var receiver = new ReceiverUnderTest();
        using var inputs = new TemporaryDirectory();
        var source = Assert.Single(FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Path, 1));

        var first = await Dcmtk.StoreAsync(receiver, [source], ["-xe"]);
        var second = await Dcmtk.StoreAsync(receiver, [source], ["-xi"]);

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first.Output + second.Output);
        var files = receiver.ReceivedFiles();
        Assert.Equal(2, files.Count);
        Assert.Contains(files, f => f.EndsWith(".v1.dcm", StringComparison.Ordinal));
    }
}
