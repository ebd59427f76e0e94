using System.Text.Json;
using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Dicom.Network.Pdus;
using Imaging.Edge.Gateway.Queue;
using Imaging.Edge.Gateway.Retention;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imaging.Edge.Integration.Tests.Receiver;

/// <summary>
/// Real full disks: the receiver's data folder on a small tmpfs. Below the reserve new instances are refused with
/// 0xA700; a disk that fills during a transfer also gives 0xA700 and leaves nothing behind; either way the receiver
/// takes data again once there is room.
/// </summary>
public sealed class DiskReserveTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task Below_the_reserve_storescu_gets_out_of_resources_and_succeeds_once_space_is_freed()
    {
        using var disk = new TmpfsMount("16m");
        using var inputs = new TemporaryDirectory();
        var source = Assert.Single(FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Path, 1));
        await using var receiver = new ReceiverUnderTest(reserveBytes: 8 * MiB, dataDir: disk.Combine("var"));
        var monitor = new DiskMonitor(receiver.DiskGuard, new RetentionStore(receiver.Queue.Writer), () => DiskUsage.Of(receiver.Layout.Root),
            highWaterPercent: 99, TimeProvider.System, NullLogger<DiskMonitor>.Instance);
        await monitor.StartAsync(CancellationToken.None);
        try
        {
            Assert.True(await BadInputTests.Eventually(() => monitor.Readings > 0));
            Assert.Empty(ReserveEvents(receiver)); // above the reserve at start: nothing to report
            var filler = disk.Fill("filler.bin", leaveFree: 6 * MiB);
            Assert.True(disk.FreeBytes() < 8 * MiB, $"free space {disk.FreeBytes()} should be below the 8 MiB reserve");

            var refused = await Dcmtk.StoreAsync(receiver, [source], ["-xe", "-v"], timeout: TimeSpan.FromSeconds(30));

            Assert.True(ReportsOutOfResources(refused.Output),
                $"storescu should report 0xA700 Out of Resources (exit {refused.ExitCode}): {refused.Output}");
            Assert.Empty(receiver.ReceivedFiles());
            Assert.Empty(receiver.SpoolFiles());
            Assert.True(await BadInputTests.Eventually(() => ReserveEvents(receiver).Count == 1, 20_000), "a disk.reserve event when going below the reserve");
            var below = ReserveEvents(receiver)[0];
            Assert.True(below.GetProperty("belowReserve").GetBoolean());
            Assert.InRange(below.GetProperty("freeBytes").GetInt64(), 1, 8 * MiB - 1);
            Assert.Equal(8 * MiB, below.GetProperty("reserveBytes").GetInt64());
            Assert.True(monitor.Current.BelowReserve);

            File.Delete(filler);
            var accepted = await Dcmtk.StoreAsync(receiver, [source], ["-xe", "-v"], timeout: TimeSpan.FromSeconds(30));

            Assert.True(accepted.ExitCode == 0, accepted.Output);
            Assert.DoesNotContain("0xa700", accepted.Output, StringComparison.OrdinalIgnoreCase);
            var received = Assert.Single(receiver.ReceivedFiles());
            Assert.Equal(ReceiverUnderTest.DataSetBytes(source), ReceiverUnderTest.DataSetBytes(received));
            Assert.Empty(receiver.SpoolFiles());
            Assert.True(await BadInputTests.Eventually(() => ReserveEvents(receiver).Count == 2, 20_000), "a disk.reserve event when back above the reserve");
            var above = ReserveEvents(receiver)[1];
            Assert.False(above.GetProperty("belowReserve").GetBoolean());
            Assert.True(above.GetProperty("freeBytes").GetInt64() >= 8 * MiB);
            Assert.False(monitor.Current.BelowReserve);
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The data of the disk.reserve events in the receiver's outbox, oldest first.</summary>
    private static List<JsonElement> ReserveEvents(ReceiverUnderTest receiver)
    {
        using var connection = receiver.Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM outbox WHERE type = $type ORDER BY id;";
        command.Parameters.AddWithValue("$type", QueueEvents.DiskReserve);
        using var reader = command.ExecuteReader();
        var events = new List<JsonElement>();
        while (reader.Read()) events.Add(JsonDocument.Parse(reader.GetString(0)).RootElement.Clone());
        return events;
    }

    [Fact]
    public async Task Below_the_reserve_our_client_gets_a700_and_the_association_stays_usable()
    {
        using var disk = new TmpfsMount("16m");
        using var inputs = new TemporaryDirectory();
        var uid = RawDataSet.NewUid();
        var file = RawDataSet.WritePart10(inputs.Combine("small.dcm"), RawDicomConnection.CtImageStorage, uid,
            RawDataSet.Instance(RawDicomConnection.CtImageStorage, uid, pixelBytes: 64 * 1024));
        await using var receiver = new ReceiverUnderTest(reserveBytes: 8 * MiB, dataDir: disk.Combine("var"));
        var filler = disk.Fill("filler.bin", leaveFree: 6 * MiB);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var association = await ClientAssociation.ConnectAsync(Client(receiver), CtOnly, cts.Token);

        var refused = await association.StoreFileAsync(file, null, cts.Token);
        File.Delete(filler);
        var accepted = await association.StoreFileAsync(file, null, cts.Token);
        await association.ReleaseAsync(cts.Token);

        Assert.Equal(DimseStatus.OutOfResources, refused);
        Assert.Equal(DimseStatus.Success, accepted);
        Assert.Single(receiver.ReceivedFiles());
        Assert.Empty(receiver.SpoolFiles());
    }

    [Fact]
    public async Task Disk_filling_during_a_transfer_gives_a700_leaves_nothing_and_a_small_instance_then_lands()
    {
        using var disk = new TmpfsMount("4m");
        using var inputs = new TemporaryDirectory();
        var bigUid = RawDataSet.NewUid();
        var big = RawDataSet.WritePart10(inputs.Combine("big.dcm"), RawDicomConnection.CtImageStorage, bigUid,
            RawDataSet.Instance(RawDicomConnection.CtImageStorage, bigUid, pixelBytes: 6 * 1024 * 1024));
        var small = Assert.Single(FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Combine("small"), 1));
        await using var receiver = new ReceiverUnderTest(reserveBytes: 0, dataDir: disk.Combine("var"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        ushort status;
        await using (var association = await ClientAssociation.ConnectAsync(Client(receiver), CtOnly, cts.Token))
        {
            status = await association.StoreFileAsync(big, null, cts.Token);
            await association.ReleaseAsync(cts.Token);
        }

        Assert.True(status == DimseStatus.OutOfResources, $"a disk full during the transfer should give 0xA700, got 0x{status:X4}");
        Assert.Empty(receiver.ReceivedFiles());
        Assert.True(await BadInputTests.Eventually(() => receiver.SpoolFiles().Count == 0), $"spool not empty: {string.Join(", ", receiver.SpoolFiles())}");
        Assert.True(disk.FreeBytes() > 3 * MiB, $"the partial instance's space should be given back, free {disk.FreeBytes()}");

        var after = await Dcmtk.StoreAsync(receiver, [small], ["-xe"], timeout: TimeSpan.FromSeconds(30));
        Assert.True(after.ExitCode == 0, after.Output);
        Assert.Single(receiver.ReceivedFiles());
        Assert.Empty(receiver.SpoolFiles());
    }

    [Fact]
    public async Task Disk_filling_during_a_storescu_transfer_gives_a700_and_leaves_nothing()
    {
        using var disk = new TmpfsMount("4m");
        using var inputs = new TemporaryDirectory();
        var bigUid = RawDataSet.NewUid();
        var big = RawDataSet.WritePart10(inputs.Combine("big.dcm"), RawDicomConnection.CtImageStorage, bigUid,
            RawDataSet.Instance(RawDicomConnection.CtImageStorage, bigUid, pixelBytes: 6 * 1024 * 1024));
        await using var receiver = new ReceiverUnderTest(reserveBytes: 0, dataDir: disk.Combine("var"));

        var result = await Dcmtk.StoreAsync(receiver, [big], ["-xe", "-v"], timeout: TimeSpan.FromSeconds(60));

        Assert.True(ReportsOutOfResources(result.Output),
            $"storescu should report 0xA700 Out of Resources: {result.Output}");
        Assert.Empty(receiver.ReceivedFiles());
        Assert.True(await BadInputTests.Eventually(() => receiver.SpoolFiles().Count == 0), $"spool not empty: {string.Join(", ", receiver.SpoolFiles())}");
        var echo = await Dcmtk.EchoAsync(receiver);
        Assert.True(echo.ExitCode == 0, echo.Output);
    }

    [Fact]
    public async Task Data_set_that_never_ends_is_refused_before_the_reserve_is_crossed_and_its_spool_file_removed()
    {
        // The reserve used to be checked only when a C-STORE began: one data set that never ends wrote until the disk
        // was full. Sent 1 MiB at a time; after each step the spool file has taken it (or is gone), then free space is read.
        const long Reserve = 16 * MiB;
        using var disk = new TmpfsMount("48m");
        await using var receiver = new ReceiverUnderTest(reserveBytes: Reserve, dataDir: disk.Combine("var"));
        var uid = RawDataSet.NewUid();
        var head = RawDataSet.Instance(RawDicomConnection.CtImageStorage, uid);
        var pixelHeader = new byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(pixelHeader, 0x0010_7FE0);
        pixelHeader[4] = (byte)'O';
        pixelHeader[5] = (byte)'B';
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(pixelHeader.AsSpan(8), 0xFFFF_FFF0); // 4 GiB of pixel data announced
        await using var raw = await RawDicomConnection.AssociateCtAsync(receiver.Port);
        await raw.SendCommandAsync(1, BadInputTests.StoreCommand(uid));
        // The first MiB takes it past what the intake keeps in memory (SpoolFile.InMemoryLimit): from then on it is in a spool file.
        var step = new byte[MiB];
        await raw.SendDataSetAsync(1, (byte[])[.. head, .. pixelHeader, .. step], last: false, fragment: 64 * 1024);
        long sent = head.Length + pixelHeader.Length + step.Length;
        Assert.True(await BadInputTests.Eventually(() => SpoolLength(receiver) >= sent), "the data set should be in a spool file");

        var lowestFreeWhileSpooling = long.MaxValue;
        var refusedAfter = 0L;
        for (var i = 0; i < 64 && refusedAfter == 0; i++) // 64 MiB: more than the whole disk
        {
            Assert.True(await raw.SendDataSetAsync(1, step, last: false, fragment: 64 * 1024), $"the server closed the connection after {sent} bytes");
            sent += step.Length;
            Assert.True(await BadInputTests.Eventually(() => SpoolLength(receiver) is not { } length || length >= sent, 20_000),
                $"the spool file did not take {sent} bytes");
            if (SpoolLength(receiver) is null) refusedAfter = sent;
            else lowestFreeWhileSpooling = Math.Min(lowestFreeWhileSpooling, disk.FreeBytes());
        }
        await raw.SendDataSetAsync(1, new byte[2], last: true);
        var response = await raw.ReadCommandAsync(TimeSpan.FromSeconds(30));
        await raw.ReleaseAsync();

        Assert.True(lowestFreeWhileSpooling >= Reserve,
            $"free space fell to {lowestFreeWhileSpooling / 1024} KiB, below the {Reserve / MiB} MiB reserve, while the data set was written (refused after {refusedAfter / MiB} MiB)");
        Assert.True(refusedAfter > 0, "the endless data set should have been refused");
        Assert.True(response.Status == DimseStatus.OutOfResources, $"refused with 0x{response.Status:X4} after {refusedAfter} bytes, not 0xA700");
        Assert.Empty(receiver.ReceivedFiles());
        Assert.Empty(receiver.SpoolFiles());
        var echo = await Dcmtk.EchoAsync(receiver);
        Assert.True(echo.ExitCode == 0, echo.Output);
    }

    private static long? SpoolLength(ReceiverUnderTest receiver) =>
        receiver.SpoolFiles() is [var only] && new FileInfo(only) is { Exists: true } info ? info.Length : null;

    /// <summary>storescu -v prints "Refused: OutOfResources"; -d would print "0xa700"; older versions "Out of Resources".</summary>
    private static bool ReportsOutOfResources(string output)
    {
        var flat = output.Replace(" ", "", StringComparison.Ordinal);
        return flat.Contains("0xa700", StringComparison.OrdinalIgnoreCase) || flat.Contains("OutofResources", StringComparison.OrdinalIgnoreCase);
    }

    private static readonly PresentationContextProposal[] CtOnly =
        [new(1, RawDicomConnection.CtImageStorage, [RawDicomConnection.ExplicitVrLittleEndian])];

    private static DicomClientOptions Client(ReceiverUnderTest receiver) => new()
    {
        Host = "127.0.0.1",
        Port = receiver.Port,
        CallingAeTitle = "OURSCU",
        CalledAeTitle = ReceiverUnderTest.AeTitle,
        ResponseTimeout = TimeSpan.FromSeconds(30),
    };
}
