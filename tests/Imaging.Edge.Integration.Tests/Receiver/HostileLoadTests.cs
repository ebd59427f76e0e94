using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using Imaging.Edge.Dicom.Network.Pdus;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Imaging.Edge.Integration.Tests.Receiver;

/// <summary>
/// Memory and CPU bounds under attack (issue 15): the gateway process, as the service runs it, with
/// <see cref="MaxAssociations"/> hostile connections open and attacking in a loop (each reconnects when it is thrown
/// out) while a well-behaved dcmtk storescu sends a study. The study must be acknowledged within
/// <see cref="AcknowledgementBound"/>, the process's peak resident set (VmHWM) must stay under <see cref="RssBound"/>,
/// and it must still be running and serving afterwards.
/// </summary>
[Collection(RunAloneCollection.Name)]
public sealed class HostileLoadTests(ITestOutputHelper output)
{
    private const int MaxAssociations = 4;
    private const int MaxInstanceMegabytes = 64;
    private const int StudyInstances = 20;

    /// <summary>Far above what the study takes unattacked (about 1 s); a gateway starved by the attackers exceeds it.</summary>
    private static readonly TimeSpan AcknowledgementBound = TimeSpan.FromSeconds(60);

    /// <summary>Peak resident set of the gateway process: the runtime, SQLite and every per-association buffer.</summary>
    private const long RssBound = 256L * 1024 * 1024;

    private const string AeTitle = "IMAGING_EDGE";
    private const string DeflatedExplicitVrLittleEndian = "1.2.840.10008.1.2.1.99";

    [Fact]
    public async Task A_study_is_acknowledged_within_a_bound_and_memory_stays_bounded_while_every_slot_is_attacked()
    {
        using var folder = new TemporaryDirectory();
        using var inputs = new TemporaryDirectory();
        var study = FreshInstances.Write(PydicomCorpus.File("CT_small.dcm"), inputs.Path, StudyInstances);
        var port = GatewayProcess.FreePort();
        await using var gateway = GatewayProcess.Start(["run"], Environment(Path.Combine(folder.Path, "data"), port), folder.Path);
        await gateway.WaitForPortAsync(port, TimeSpan.FromSeconds(30));

        using var stop = new CancellationTokenSource();
        var bomb = DeflateBomb();
        var counts = new AttackCounts();
        // One hostile connection per association slot, each from its own address. The slowloris never completes its
        // A-ASSOCIATE-RQ (and so must not hold a slot); the other three associate and hold one each.
        var attacks = new[]
        {
            Loop(() => SlowlorisAsync(port, Address(2), counts, stop.Token), stop.Token),
            Loop(() => DeflateBombsAsync(port, Address(3), bomb, counts, stop.Token), stop.Token),
            Loop(() => EndlessDataSetAsync(port, Address(4), counts, stop.Token), stop.Token),
            Loop(() => PDataFloodAsync(port, Address(5), counts, stop.Token), stop.Token),
        };
        Assert.Equal(MaxAssociations, attacks.Length);
        // The study starts once every attack is in full swing: bombs answered, a flooded instance answered, the endless
        // data set past twice the instance limit (so the gateway has refused it and is discarding), the slowloris going.
        Assert.True(await BadInputTests.Eventually(() => counts.Bombs >= 2 && counts.FloodedInstances >= 1
            && counts.EndlessBytes > 2L * MaxInstanceMegabytes * 1048576 && counts.SlowlorisBytes >= 3, 60_000), $"the attacks should be under way: {counts}");

        var clock = Stopwatch.StartNew();
        var store = await ProcessRunner.RunAsync("storescu",
            ["-v", "-aet", "MODALITY", "-aec", AeTitle, "-nh", "-R", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), .. study],
            AcknowledgementBound + TimeSpan.FromSeconds(30));
        var elapsed = clock.Elapsed;
        var peakDuringAttack = PeakResidentBytes(gateway.Id);
        var diskDuringAttack = BytesUnder(Path.Combine(folder.Path, "data"));

        await stop.CancelAsync();
        await Task.WhenAll(attacks);
        var echo = await ProcessRunner.RunAsync("echoscu", ["-aet", "ECHOSCU", "-aec", AeTitle, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)]);
        var peak = PeakResidentBytes(gateway.Id);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"study of {StudyInstances} acknowledged in {elapsed.TotalSeconds:F1} s under attack; gateway VmHWM {peakDuringAttack / 1048576} MiB during, {peak / 1048576} MiB at the end; data folder {diskDuringAttack / 1048576} MiB; {counts}"));
        var acknowledged = store.Output.Split('\n').Count(l => l.Contains("Received Store Response (Success)", StringComparison.Ordinal));
        Assert.True(store.ExitCode == 0 && acknowledged == StudyInstances,
            $"storescu should have every instance acknowledged ({acknowledged} of {StudyInstances}, exit {store.ExitCode}):\n{store.Output}\n{gateway.Output}");
        Assert.True(elapsed < AcknowledgementBound, $"the study took {elapsed.TotalSeconds:F1} s under attack (bound {AcknowledgementBound.TotalSeconds} s)");
        Assert.True(peak < RssBound, $"the gateway's peak resident set was {peak / 1048576} MiB (bound {RssBound / 1048576} MiB)");
        // The endless data set may cost at most its instance limit on disk, whatever it sent.
        var studyBytes = study.Sum(f => new FileInfo(f).Length);
        Assert.True(diskDuringAttack < 2 * studyBytes + (MaxInstanceMegabytes + 16) * 1048576L,
            $"the data folder held {diskDuringAttack / 1048576} MiB under attack (the study is {studyBytes / 1024} KiB, the instance limit {MaxInstanceMegabytes} MiB)");
        Assert.True(counts.Bombs > 0 && counts.FloodedInstances + counts.FloodsCut > 0 && counts.EndlessBytes > 0 && counts.SlowlorisBytes > 0,
            $"every attack should have reached the gateway: {counts}");
        Assert.True(echo.ExitCode == 0, $"the gateway should still serve after the attack: {echo.Output}\n{gateway.Output}");
    }

    /// <summary>Runs one attacker until stopped; a connection the gateway closes, resets or aborts is simply made again.</summary>
    private static Task Loop(Func<Task> attack, CancellationToken stop) => Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await attack();
            }
            catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException or Xunit.Sdk.XunitException or IOException)
            {
                // Thrown out (or stopped): connect again.
            }
        }
    });

    /// <summary>Slowloris: an A-ASSOCIATE-RQ one byte a second, so the connection never associates (ARTIM closes it).</summary>
    private static async Task SlowlorisAsync(int port, IPAddress from, AttackCounts counts, CancellationToken stop)
    {
        await using var raw = await RawDicomConnection.ConnectAsync(port, from);
        var request = RawDicomConnection.Encode(RawDicomConnection.Request(RawDicomConnection.CtAndVerification(), callingAe: "SLOWLORIS", calledAe: AeTitle));
        for (var i = 0; i < request.Length - 1; i++)
        {
            if (!await raw.SendAsync(request.AsMemory(i, 1))) return;
            Interlocked.Increment(ref counts.SlowlorisBytes);
            await Task.Delay(TimeSpan.FromSeconds(1), stop);
        }
    }

    /// <summary>Deflate bombs, one after the other on one association: 64 MiB of zeros before the identifying UIDs.</summary>
    private static async Task DeflateBombsAsync(int port, IPAddress from, byte[] bomb, AttackCounts counts, CancellationToken stop)
    {
        await using var raw = await AssociateAsync(port, from, DeflatedExplicitVrLittleEndian, counts);
        for (ushort id = 1; !stop.IsCancellationRequested; id++)
        {
            if (!await raw.SendCommandAsync(1, BadInputTests.StoreCommand(RawDataSet.NewUid(), id))) return;
            if (!await raw.SendDataSetAsync(1, bomb)) return;
            await raw.ReadCommandAsync(TimeSpan.FromSeconds(60));
            Interlocked.Increment(ref counts.Bombs);
        }
    }

    /// <summary>A data set that never ends, sent as fast as the gateway reads it, in 64 KiB P-DATA-TFs without the last bit.</summary>
    private static async Task EndlessDataSetAsync(int port, IPAddress from, AttackCounts counts, CancellationToken stop)
    {
        await using var raw = await AssociateAsync(port, from, RawDicomConnection.ExplicitVrLittleEndian, counts);
        var uid = RawDataSet.NewUid();
        if (!await raw.SendCommandAsync(1, BadInputTests.StoreCommand(uid))) return;
        // The identifying attributes, then the header of a private OB element (7FE1,1001) claiming almost 4 GiB: a
        // well-formed value that the attacker never finishes.
        byte[] start = [.. RawDataSet.Instance(RawDicomConnection.CtImageStorage, uid, pixelBytes: 0), 0xE1, 0x7F, 0x01, 0x10, (byte)'O', (byte)'B', 0, 0, 0xF0, 0xFF, 0xFF, 0xFF];
        if (!await raw.SendDataSetAsync(1, start, last: false)) return;
        var fragment = RawDicomConnection.EncodePData(1, isCommand: false, isLast: false, new byte[64 * 1024 - 12]);
        while (!stop.IsCancellationRequested)
        {
            if (!await raw.SendAsync(fragment)) return;
            Interlocked.Add(ref counts.EndlessBytes, fragment.Length);
        }
    }

    /// <summary>P-DATA flood: instances of 64 KiB, each sent as 16,384 P-DATA-TFs of 4 bytes.</summary>
    private static async Task PDataFloodAsync(int port, IPAddress from, AttackCounts counts, CancellationToken stop)
    {
        await using var raw = await AssociateAsync(port, from, RawDicomConnection.ExplicitVrLittleEndian, counts);
        for (ushort id = 1; !stop.IsCancellationRequested; id++)
        {
            var uid = RawDataSet.NewUid();
            var dataSet = RawDataSet.Instance(RawDicomConnection.CtImageStorage, uid, pixelBytes: 64 * 1024);
            using var flood = new MemoryStream();
            for (var at = 0; at < dataSet.Length; at += 4)
            {
                var size = Math.Min(4, dataSet.Length - at);
                flood.Write(RawDicomConnection.EncodePData(1, isCommand: false, isLast: at + size == dataSet.Length, dataSet.AsSpan(at, size)));
            }
            if (!await raw.SendCommandAsync(1, BadInputTests.StoreCommand(uid, id))) return;
            if (!await raw.SendAsync(flood.GetBuffer().AsMemory(0, (int)flood.Length)))
            {
                Interlocked.Increment(ref counts.FloodsCut);
                return;
            }
            await raw.ReadCommandAsync(TimeSpan.FromSeconds(60));
            Interlocked.Increment(ref counts.FloodedInstances);
        }
    }

    private static async Task<RawDicomConnection> AssociateAsync(int port, IPAddress from, string transferSyntax, AttackCounts counts)
    {
        var raw = await RawDicomConnection.ConnectAsync(port, from);
        var answer = await raw.AssociateAsync(RawDicomConnection.Request(
            [new PresentationContextProposal(1, RawDicomConnection.CtImageStorage, [transferSyntax])], callingAe: "HOSTILE", calledAe: AeTitle));
        if (answer is not AssociateAcceptPdu)
        {
            await raw.DisposeAsync();
            throw new IOException($"not associated: {answer}");
        }
        Interlocked.Increment(ref counts.Started);
        return raw;
    }

    private static byte[] DeflateBomb()
    {
        using var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(RawDataSet.Uid(0x0008, 0x0016, RawDicomConnection.CtImageStorage));
            deflate.Write(RawDataSet.Uid(0x0008, 0x0018, RawDataSet.NewUid()));
            deflate.Write(RawDataSet.Element(0x0009, 0x1001, "OB", new byte[64 * 1024 * 1024]));
            deflate.Write(RawDataSet.Uid(0x0020, 0x000D, RawDataSet.NewUid()));
            deflate.Write(RawDataSet.Uid(0x0020, 0x000E, RawDataSet.NewUid()));
        }
        return compressed.ToArray();
    }

    /// <summary>VmHWM of /proc/PID/status: the peak resident set since the process started.</summary>
    private static long PeakResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static long BytesUnder(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f =>
        {
            try
            {
                return new FileInfo(f).Length;
            }
            catch (FileNotFoundException)
            {
                return 0L; // removed while we counted
            }
        });

    private static IPAddress Address(int last) => IPAddress.Parse($"127.0.0.{last}");

    private static Dictionary<string, string> Environment(string dataDir, int port) => new()
    {
        ["IMAGING_EDGE__Gateway__DataDir"] = dataDir,
        ["IMAGING_EDGE__Dicom__Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["IMAGING_EDGE__Dicom__BindAddress"] = "127.0.0.1",
        ["IMAGING_EDGE__Dicom__AeTitle"] = AeTitle,
        ["IMAGING_EDGE__Dicom__MaxAssociations"] = MaxAssociations.ToString(CultureInfo.InvariantCulture),
        ["IMAGING_EDGE__Dicom__MaxInstanceMegabytes"] = MaxInstanceMegabytes.ToString(CultureInfo.InvariantCulture),
        ["IMAGING_EDGE__Logging__LogLevel__Default"] = "Warning",
    };

    private sealed class AttackCounts
    {
        public long Started;
        public long SlowlorisBytes;
        public long Bombs;
        public long EndlessBytes;
        public long FloodedInstances;
        public long FloodsCut;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"associations {Started}, slowloris bytes {SlowlorisBytes}, deflate bombs answered {Bombs}, endless data set MiB {EndlessBytes / 1048576}, P-DATA flood instances answered {FloodedInstances} (cut {FloodsCut})");
    }
}
